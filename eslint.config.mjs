// `npm run lint` (eslint . --max-warnings 0): typescript-eslint's recommended rules, without
// the type-checked ones (they would run the compiler a second time: `npm run typecheck` does
// that once), and no console in the server and the rooms (they log through server/logger.ts).
import { defineConfig, globalIgnores } from "eslint/config";
import tseslint from "typescript-eslint";

export default defineConfig(
  globalIgnores(["**/node_modules/", "dist/", ".tmp/", "web/dist/", ".tools/", ".scratch/", ".data/", "coverage/", "test-artifacts/"]),
  tseslint.configs.recommended,
  {
    rules: {
      // Deliberate here: a parameter a signature needs but the body does not (Express's
      // 4-argument error handler, an overridden hook) starts with `_`, and a key is dropped
      // from an object by destructuring it beside a rest (`const { _id, ...rest } = doc`).
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", ignoreRestSiblings: true }],
    },
  },
  {
    files: ["server/**", "rooms/**"],
    rules: { "no-console": "error" },
  },
  {
    // Tests read Colyseus state as the client decodes it, without the schema classes
    // (`Room<any>`, `(state: any) => …`), and reach into the transport's socket on purpose:
    // typing those would add casts, not checks.
    files: ["test/**"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
);
