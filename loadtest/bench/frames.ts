/**
 * What reading a room frame strictly costs (rooms/shared/frames.ts, issue 9) next to what
 * Colyseus's own dispatch does with it (type decode + MessagePack unpack): one `answer` frame
 * read a million times, single core, after a warm-up. Prints ns per frame.
 *   npm run bench:frames
 */
import { pack, unpack } from "@colyseus/msgpackr";
import { decode } from "@colyseus/schema";
import { parseFrame } from "../../rooms/shared/frames.rules";

const type = Buffer.from("answer");
const frame = Buffer.concat([Buffer.from([13, 0xa0 | type.length]), type, Buffer.from(pack({ answer: "la manzana" }))]);
const N = 1_000_000;

/** Colyseus 0.16's Room._onMessage, the decoding part. */
function colyseus(buf: Buffer): unknown {
  const it = { offset: 1 };
  const t = decode.stringCheck(buf, it) ? decode.string(buf, it) : decode.number(buf, it);
  return [t, unpack(buf.subarray(it.offset, buf.byteLength))];
}

for (const [name, read] of [["Colyseus decode + unpack", colyseus], ["parseFrame (strict)", (b: Buffer) => parseFrame(b)]] as const) {
  for (let i = 0; i < 100_000; i++) read(frame);
  const start = process.hrtime.bigint();
  for (let i = 0; i < N; i++) read(frame);
  console.log(`${name}: ${(Number(process.hrtime.bigint() - start) / N).toFixed(0)} ns per frame`);
}
