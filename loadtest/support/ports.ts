/** Free loopback ports, for whatever a load run, a bench or a test starts. */
import net from "node:net";

/** A port that was free on 127.0.0.1 a moment ago (someone else may take it before you bind it). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}
