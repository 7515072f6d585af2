/**
 * The floor's server: a bare `ws` echo on 127.0.0.1 (the port is the one argument), every
 * message sent straight back as it came, nothing else. It writes "listening <port>" on stdout
 * once it accepts connections. Started by the cost bench (cost-floor.ts) as a child process.
 *   node --import tsx loadtest/bench/ws-echo.ts 40123
 */
import { WebSocketServer } from "ws";

const port = Number(process.argv[2]);
if (!Number.isInteger(port) || port < 1 || port > 65535) {
  process.stderr.write("usage: ws-echo.ts <port>\n");
  process.exit(2);
}
// As the game's transport is set up: no compression (@colyseus/ws-transport turns it off).
const server = new WebSocketServer({ host: "127.0.0.1", port, perMessageDeflate: false });
server.on("connection", (socket) => {
  socket.on("message", (data, isBinary) => socket.send(data, { binary: isBinary }));
  socket.on("error", () => socket.terminate());
});
server.on("listening", () => process.stdout.write(`listening ${port}\n`));
server.on("error", (err) => {
  process.stderr.write(`ws-echo: ${err.message}\n`);
  process.exit(1);
});
// The bench closes our stdin when it goes: so do we, however it ends.
process.stdin.on("end", () => process.exit(0)).resume();
