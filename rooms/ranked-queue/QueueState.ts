import { Schema, type } from "@colyseus/schema";

/** What everyone in one language's queue sees: nobody's identity, only the count. */
export class QueueState extends Schema {
  @type("string") lang = "";
  @type("uint16") waiting = 0;
}
