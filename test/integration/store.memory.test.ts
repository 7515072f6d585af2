import { MemoryStore } from "../../server/store/MemoryStore";
import { storeContract } from "./store.contract";

storeContract("in-memory", async () => new MemoryStore());
