import { strict as assert } from "node:assert";
import { addressKey } from "../../server/address-key";

describe("addressKey (server/address-key.ts): one key per address however it is written, one per IPv6 /64", () => {
  it("writes IPv4 one way: mapped into IPv6, with zeros in front, or with spaces around", () => {
    for (const a of ["10.46.0.1", "::ffff:10.46.0.1", "::FFFF:10.46.0.1", "010.046.000.001", " 10.46.0.1 "]) assert.equal(addressKey(a), "10.46.0.1", a);
    assert.equal(addressKey("127.0.0.1"), "127.0.0.1");
  });

  it("counts an IPv6 address as its /64, whatever its spelling", () => {
    for (const a of ["2001:db8:1:2::1", "2001:DB8:1:2::1", "2001:db8:1:2:0:0:0:1", "2001:0db8:0001:0002:ffff:ffff:ffff:ffff"]) assert.equal(addressKey(a), "2001:db8:1:2::/64", a);
    assert.notEqual(addressKey("2001:db8:1:3::1"), addressKey("2001:db8:1:2::1"), "the next /64 is another subscriber");
  });

  it("keeps what is not an address as written, cut to 64 characters", () => {
    assert.equal(addressKey("unknown"), "unknown");
    assert.equal(addressKey("x".repeat(500)), "x".repeat(64));
    assert.equal(addressKey("999.1.1.1"), "999.1.1.1");
  });
});
