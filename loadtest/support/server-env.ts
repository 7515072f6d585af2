/**
 * The environment of a game server a load program spawns on loopback: none of the caller's
 * own server settings leak in, and the per-address and per-account limits sit at their
 * ceilings — every learner comes from 127.0.0.1 and queues again at once, far faster than
 * a person would.
 */
import { CONFIG_KEYS, SINGLE_ADDRESS_LIMITS } from "../../server/config";

export function loopbackServerEnv(port: number, jwtSecret: string, logLevel: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(CONFIG_KEYS)) delete env[key];
  return {
    ...env,
    NODE_ENV: "production",
    HOST: "127.0.0.1",
    PORT: String(port),
    PUBLIC_ADDRESS: `127.0.0.1:${port}`,
    JWT_SECRET: jwtSecret,
    LOG_LEVEL: logLevel,
    ...SINGLE_ADDRESS_LIMITS,
    MATCHMAKE_PER_MINUTE: "100000",
    ROOMS_PER_MINUTE: "100000",
  };
}
