import { strict as assert } from "node:assert";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { ERROR_CODES } from "../../server/errors";
import * as closeCodes from "../../rooms/shared/close-codes";

const protocol = readFileSync(join(__dirname, "..", "..", "docs", "protocol.md"), "utf8");
const section = (heading: string) => protocol.slice(protocol.indexOf(heading), protocol.indexOf("\n## ", protocol.indexOf(heading) + 1) >>> 0 || undefined);

describe("docs/protocol.md keeps up with the code", () => {
  it("lists every error code of the catalogue, with its status, in section 10", () => {
    const catalogue = section("## 10. Error catalogue");
    for (const [code, status] of Object.entries(ERROR_CODES)) {
      assert.ok(catalogue.includes(`| \`${code}\` | ${status} |`), `section 10 misses ${code} (${status})`);
    }
  });
  it("lists every close code the rooms use in section 7.2", () => {
    const closes = section("### 7.2 WebSocket close codes");
    for (const [name, code] of Object.entries(closeCodes)) assert.ok(closes.includes(`| ${code} |`), `7.2 misses ${name} (${code})`);
  });
});
