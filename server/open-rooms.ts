/**
 * The rooms of a cluster a `joinOrCreate` can be sent to, indexed in Redis.
 *
 * @colyseus/redis-driver keeps every room's listing in one hash (`roomcaches`) and answers a
 * lookup by reading and parsing all of it: with 5,000 rooms open that is about 1.5 MB from
 * Redis and 18–28 ms of CPU for every `joinOrCreate` in the cluster, whatever the room type,
 * though nearly every duel is locked (full or started). Here each listing's writes also keep a
 * set per room type of the rooms that are unlocked and public (`ll:open-rooms:<name>`), in the
 * same MULTI as the hash write, and a lookup for an open room reads that set and only those
 * listings (HMGET). The listing read stays the truth: a lookup still checks every condition
 * on it, so an entry a crash left in the set costs one miss, and is dropped when its listing
 * is found gone. Not for Redis Cluster (the set and the hash are two keys in one MULTI).
 */
import type Redis from "ioredis";
import type { IRoomCache } from "colyseus";

/** The set of open rooms of one room type. */
export const openRoomsKey = (name: string) => `ll:open-rooms:${name}`;

/** What `joinOrCreate` looks for: an unlocked public room of one type (MatchMaker's findOneRoomAvailable). */
export function isOpenLookup(conditions: Partial<IRoomCache>): conditions is Partial<IRoomCache> & { name: string } {
  return conditions.locked === false && conditions.private === false && typeof conditions.name === "string" && conditions.roomId === undefined;
}

/** The listing fields the index reads, and the driver's two writes (RoomData.hset/hdel). */
interface Listing {
  name?: string;
  roomId?: string;
  locked?: boolean;
  private?: boolean;
  hset(key: string, field: string, value: string): Promise<unknown>;
  hdel(key: string, field: string): Promise<unknown>;
}

/** Rejects when a MULTI did not run, or one of its commands failed (as the single command it replaces would). */
function ran(result: [Error | null, unknown][] | null): void {
  if (result === null) throw new Error("the Redis transaction did not run");
  const failed = result.find(([err]) => err !== null);
  if (failed) throw failed[0];
}

/**
 * Makes a listing's writes keep the open-rooms set too: a save (HSET) adds the room when it
 * is unlocked and public and removes it otherwise, a removal (HDEL) removes it. Instances of
 * @colyseus/redis-driver 0.16's RoomData only; the listing is returned as it was given.
 */
export function indexOpenRooms<T>(listing: T, client: Redis): T {
  const room = listing as unknown as Listing;
  const hset = (key: string, field: string, value: string) => {
    const open = room.locked === false && room.private === false;
    const tx = client.multi().hset(key, field, value);
    if (room.name) tx[open ? "sadd" : "srem"](openRoomsKey(room.name), field);
    return tx.exec().then(ran);
  };
  const hdel = (key: string, field: string) => {
    const tx = client.multi().hdel(key, field);
    if (room.name) tx.srem(openRoomsKey(room.name), field);
    return tx.exec().then(ran);
  };
  // Not enumerable: the listing is saved as JSON of its own fields, and conditions are read off it.
  Object.defineProperty(room, "hset", { value: hset, configurable: true, writable: true });
  Object.defineProperty(room, "hdel", { value: hdel, configurable: true, writable: true });
  return listing;
}

/**
 * Drops from the set the ids whose listing is gone, each only if it is still gone when Redis
 * runs this: a listing saved again since it was read missing (a process relisting its rooms
 * after another's sweep) keeps its entry, which its own save has just added back.
 */
const DROP_GONE_LUA = `
for i = 1, #ARGV do
  if redis.call("HEXISTS", KEYS[2], ARGV[i]) == 0 then redis.call("SREM", KEYS[1], ARGV[i]) end
end
return 0`;

/** Drops `ids` from the open rooms of type `name` where their listing is (still) gone. */
export async function dropGone(client: Redis, hashKey: string, name: string, ids: readonly string[]): Promise<void> {
  if (ids.length > 0) await client.eval(DROP_GONE_LUA, 2, openRoomsKey(name), hashKey, ...ids);
}

/**
 * The listings of the open rooms of type `name`, as JSON (HMGET of the ids in the set); ids
 * whose listing is gone are dropped from the set on the way ({@link dropGone}).
 */
export async function openListings(client: Redis, hashKey: string, name: string): Promise<string[]> {
  const ids = await client.smembers(openRoomsKey(name));
  if (ids.length === 0) return [];
  const listings = await client.hmget(hashKey, ...ids);
  await dropGone(client, hashKey, name, ids.filter((_, i) => listings[i] === null));
  return listings.filter((json): json is string => json !== null);
}
