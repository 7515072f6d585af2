import { MemoryStore } from "../../server/store/MemoryStore";
import { leagueContract } from "./leagues.contract";

leagueContract("in-memory", async (leagues) => new MemoryStore({ leagues }));
