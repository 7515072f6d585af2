/**
 * The docs are checked against the code in both directions, as fastify's
 * test/internals/errors.test.js does for its error docs: everything the code has is documented,
 * and nothing is documented that the code does not have. The formats these checks read are in
 * docs/protocol/README.md, *How these pages are checked*.
 */
import { strict as assert } from "node:assert";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { Metadata } from "@colyseus/schema";
import type { ZodTypeAny } from "zod";
import { CONFIG_KEYS } from "../../server/config";
import { ERROR_CODES } from "../../server/errors";
import * as closeCodes from "../../rooms/shared/close-codes";
import * as duelContract from "../../rooms/word-duel/messages";
import * as queueContract from "../../rooms/ranked-queue/messages";
import * as boardContract from "../../rooms/leaderboard/messages";
import { WordDuelState } from "../../rooms/word-duel/WordDuelState";
import { QueueState } from "../../rooms/ranked-queue/QueueState";
import { LeaderboardState } from "../../rooms/leaderboard/LeaderboardState";
import * as classContract from "../../rooms/class-game/messages";
import { ClassGameState } from "../../rooms/class-game/ClassGameState";

const ROOT = join(__dirname, "..", "..");
const CONTRACTS: Record<string, Record<string, unknown>> = {
  "rooms/word-duel/messages.ts": duelContract,
  "rooms/ranked-queue/messages.ts": queueContract,
  "rooms/leaderboard/messages.ts": boardContract,
  "rooms/class-game/messages.ts": classContract,
};
const STATE_ROOTS = [WordDuelState, QueueState, LeaderboardState, ClassGameState];

const read = (path: string) => readFileSync(join(ROOT, path), "utf8");
const docFiles = (dir: string): string[] =>
  readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? docFiles(join(dir, e.name)) : e.name.endsWith(".md") ? [join(dir, e.name)] : [],
  );
const ALL_DOCS = ["README.md", ...docFiles("docs")];
const PROTOCOL_DOCS = docFiles("docs/protocol");

interface Table {
  file: string;
  /** The nearest heading above the table, without its #s. */
  heading: string;
  header: string[];
  rows: string[][];
}

/** Cells of one table line; a | inside backticks does not split (a cell may quote a table row). */
function cells(line: string): string[] {
  const out: string[] = [];
  let cell = "";
  let code = false;
  for (const ch of line.trim().replace(/^\||\|$/g, "")) {
    if (ch === "`") code = !code;
    if (ch === "|" && !code) {
      out.push(cell.trim());
      cell = "";
    } else cell += ch;
  }
  return [...out, cell.trim()];
}

/** Lines outside fenced code blocks, with their line numbers. */
function prose(text: string): { line: string; n: number }[] {
  let fence = false;
  return text.split("\n").flatMap((line, i) => {
    if (line.startsWith("```")) fence = !fence;
    return fence || line.startsWith("```") ? [] : [{ line, n: i + 1 }];
  });
}

function tables(file: string): Table[] {
  const lines = prose(read(file)).map((l) => l.line);
  const out: Table[] = [];
  let heading = "";
  for (let i = 0; i < lines.length; i++) {
    const h = /^#{1,6} (.*)$/.exec(lines[i]);
    if (h) heading = h[1];
    if (!lines[i].startsWith("|") || !/^\|[\s:|-]+\|$/.test(lines[i + 1] ?? "")) continue;
    const table: Table = { file, heading, header: cells(lines[i]), rows: [] };
    for (i += 2; i < lines.length && lines[i].startsWith("|"); i++) table.rows.push(cells(lines[i]));
    out.push(table);
  }
  return out;
}

const hasHeader = (t: Table, ...names: string[]) => names.every((name, i) => t.header[i]?.toLowerCase() === name.toLowerCase());
/** The names in backticks in a cell: "`word_duel`, `practice`" → ["word_duel", "practice"]. */
const ticked = (cell: string) => [...cell.matchAll(/`([^`]+)`/g)].map((m) => m[1]);
const sorted = <T>(items: Iterable<T>) => [...items].sort();

function onlyTable(file: string, ...header: string[]): Table {
  const found = tables(file).filter((t) => hasHeader(t, ...header));
  assert.equal(found.length, 1, `${file} should have one table with the columns ${header.join(", ")}, has ${found.length}`);
  return found[0];
}

describe("docs keep up with the code, both ways", () => {
  describe("the error catalogue (docs/protocol/errors.md)", () => {
    const table = () => onlyTable("docs/protocol/errors.md", "Code", "Status");
    const documented = () => table().rows.map(([code, status]) => ({ code: ticked(code)[0] ?? code, status: Number(status) }));

    it("documents every code of server/errors.ts, with its status", () => {
      const docs = new Map(documented().map((d) => [d.code, d.status]));
      for (const [code, status] of Object.entries(ERROR_CODES)) {
        assert.ok(docs.has(code), `errors.md does not document ${code}`);
        assert.equal(docs.get(code), status, `errors.md gives ${code} the status ${docs.get(code)}, the catalogue ${status}`);
      }
    });
    it("documents no code the catalogue does not have, and each once", () => {
      const codes = documented().map((d) => d.code);
      for (const code of codes) assert.ok(code in ERROR_CODES, `errors.md documents ${code}, which server/errors.ts does not have`);
      assert.deepEqual(codes.filter((c, i) => codes.indexOf(c) !== i), [], "errors.md documents these codes twice");
    });
    it("names only catalogue codes, with their status, in every Code column of the protocol pages", () => {
      for (const t of PROTOCOL_DOCS.flatMap(tables)) {
        const codeAt = t.header.findIndex((h) => h.toLowerCase() === "code");
        const statusAt = t.header.findIndex((h) => h.toLowerCase() === "status");
        if (codeAt < 0) continue;
        for (const row of t.rows) {
          for (const code of ticked(row[codeAt] ?? "").filter((c) => /^[A-Z][A-Z0-9_]+$/.test(c))) {
            assert.ok(code in ERROR_CODES, `${t.file} (${t.heading}) names ${code}, which server/errors.ts does not have`);
            const status = statusAt >= 0 ? Number(row[statusAt]) : NaN;
            if (!Number.isNaN(status)) assert.equal(status, ERROR_CODES[code as keyof typeof ERROR_CODES], `${t.file} (${t.heading}) gives ${code} the status ${status}`);
          }
        }
      }
    });
  });

  describe("configuration defaults (server/config.ts)", () => {
    const configTables = () => ALL_DOCS.flatMap(tables).filter((t) => hasHeader(t, "key", "default", "meaning"));
    /** How a default is written: `value`, or text without backticks for a key that has none. */
    const written = (key: string) => {
      const value: unknown = (CONFIG_KEYS[key as keyof typeof CONFIG_KEYS][0] as ZodTypeAny).parse(undefined);
      return value === undefined || (Array.isArray(value) && value.length === 0) ? undefined : `\`${String(value)}\``;
    };

    it("the README's table lists every key, and only those", () => {
      const readme = onlyTable("README.md", "key", "default", "meaning");
      const keys = readme.rows.map(([key]) => ticked(key)[0]);
      assert.deepEqual(sorted(keys), sorted(Object.keys(CONFIG_KEYS)), "README's configuration table and CONFIG_KEYS differ");
    });
    it("every key in a docs table exists, with the default the code has", () => {
      const tablesFound = configTables();
      assert.ok(tablesFound.length >= 3, "the README, http.md and rooms.md have key/default tables");
      for (const t of tablesFound) {
        for (const [keyCell, defaultCell] of t.rows) {
          const key = /^`([A-Z][A-Z0-9_]*)`$/.exec(keyCell)?.[1];
          if (!key) continue; // a fixed value ("answer text (fixed)"), not a setting
          assert.ok(key in CONFIG_KEYS, `${t.file} documents ${key}, which server/config.ts does not have`);
          const expected = written(key);
          if (expected === undefined) assert.ok(!defaultCell.includes("`"), `${t.file}: ${key} has no default, the docs say ${defaultCell}`);
          else assert.equal(defaultCell, expected, `${t.file}: the default of ${key}`);
        }
      }
    });
  });

  describe("rooms (docs/protocol/rooms.md)", () => {
    const rooms = "docs/protocol/rooms.md";
    const named = (contract: Record<string, unknown>, prefix: string) =>
      Object.entries(contract).filter(([name]) => name.startsWith(prefix)) as [string, string | number][];

    it("lists every message of every room, and no other", () => {
      const documented = new Map<string, string[]>();
      for (const [roomCell, messageCell] of onlyTable(rooms, "rooms", "message").rows) {
        const key = sorted(ticked(roomCell)).join(",");
        documented.set(key, [...(documented.get(key) ?? []), ...ticked(messageCell)]);
      }
      const expected = new Map(
        Object.entries(CONTRACTS).map(([file, contract]) => {
          const roomNames = named(contract, "ROOM_").map(([, v]) => String(v));
          assert.ok(roomNames.length > 0, `${file} names no room`);
          return [sorted(roomNames).join(","), { file, messages: named(contract, "MSG_").map(([, v]) => String(v)) }];
        }),
      );
      for (const [roomsKey, { file, messages }] of expected) {
        assert.ok(documented.has(roomsKey), `rooms.md has no message row for the rooms of ${file} (${roomsKey})`);
        assert.deepEqual(sorted(documented.get(roomsKey)!), sorted(messages), `the messages of ${roomsKey} (${file})`);
      }
      for (const roomsKey of documented.keys()) assert.ok(expected.has(roomsKey), `rooms.md lists messages of ${roomsKey}, which no messages.ts declares together`);
    });

    it("lists every close code the rooms use, by its constant, and no other", () => {
      const code = new Map<string, number>();
      for (const [name, value] of [...named(closeCodes, "CLOSE_"), ...Object.values(CONTRACTS).flatMap((c) => named(c, "CLOSE_"))]) {
        assert.ok(!code.has(name) || code.get(name) === value, `${name} has two values`);
        code.set(name, Number(value));
      }
      const table = onlyTable(rooms, "Code", "Constant");
      const documented = table.rows.filter(([, constant]) => ticked(constant).length > 0).map(([c, constant]) => [ticked(constant)[0], c] as const);
      assert.deepEqual(sorted(documented.map(([name]) => name)), sorted(code.keys()), "rooms.md 4.2 and the CLOSE_* constants differ");
      for (const [name, c] of documented) assert.equal(c, String(code.get(name)), `rooms.md gives ${name} the code ${c}`);
      const ours = new Set([...code.values()].map(String));
      for (const [c, constant] of table.rows.filter(([, constant]) => ticked(constant).length === 0)) {
        for (const n of c.match(/\d+/g) ?? []) assert.ok(!ours.has(n), `rooms.md lists ${n} without its constant (${constant})`);
      }
    });

    it("documents every field of every room state, with its schema type, and no other", () => {
      type SchemaClass = { name: string };
      const classes = new Map<string, Record<string, string>>();
      const render = (t: unknown): string => {
        if (typeof t === "string") return t;
        if (typeof t === "function") return walk(t as SchemaClass);
        const [kind, child] = Object.entries(t as Record<string, unknown>)[0];
        return `${kind} of ${render(child)}`;
      };
      const walk = (klass: SchemaClass): string => {
        if (!classes.has(klass.name)) {
          classes.set(klass.name, {});
          const fields = Metadata.getFields(klass as never) as Record<string, unknown>;
          classes.set(klass.name, Object.fromEntries(Object.entries(fields).map(([field, type]) => [field, render(type)])));
        }
        return klass.name;
      };
      STATE_ROOTS.forEach(walk);

      const documented = new Map<string, Record<string, string>>();
      for (const t of tables(rooms).filter((t) => hasHeader(t, "Field", "Schema type"))) {
        const klass = ticked(t.heading)[0];
        assert.ok(klass, `a state table of rooms.md sits under "${t.heading}", which names no class`);
        assert.ok(!documented.has(klass), `rooms.md documents ${klass} twice`);
        documented.set(klass, Object.fromEntries(t.rows.map(([field, type]) => [ticked(field)[0] ?? field, type.replace(/`/g, "")])));
      }
      assert.deepEqual(sorted(documented.keys()), sorted(classes.keys()), "the schema classes of rooms.md and of the rooms differ");
      for (const [klass, fields] of classes) assert.deepEqual(documented.get(klass), fields, `the fields of ${klass} (name → schema type)`);
    });
  });

  describe("links and paths", () => {
    /** GitHub's heading anchors: lower case, punctuation dropped, spaces as hyphens, repeats numbered. */
    const anchors = (file: string) => {
      const seen = new Map<string, number>();
      return new Set(
        prose(read(file)).flatMap(({ line }) => {
          const h = /^#{1,6} (.*)$/.exec(line);
          if (!h) return [];
          const slug = h[1].trim().toLowerCase().replace(/[^\p{L}\p{M}\p{N}\p{Pc}\- ]/gu, "").replace(/ /g, "-");
          const n = seen.get(slug) ?? 0;
          seen.set(slug, n + 1);
          return [n === 0 ? slug : `${slug}-${n}`];
        }),
      );
    };

    it("every relative link of the README and docs/ leads to a file and, if it names one, an anchor", () => {
      for (const file of ALL_DOCS) {
        for (const { line, n } of prose(read(file))) {
          for (const [, target] of line.replace(/`[^`]*`/g, "").matchAll(/\]\(([^)\s]+)\)/g)) {
            if (/^[a-z]+:/i.test(target)) continue;
            const [path, anchor] = target.split("#");
            const to = path ? resolve(ROOT, dirname(file), path) : join(ROOT, file);
            const where = `${file}:${n} → ${target}`;
            assert.ok(existsSync(to), `${where}: no such file`);
            if (anchor !== undefined) assert.ok(anchors(relative(ROOT, to)).has(anchor), `${where}: no such heading`);
          }
        }
      }
    });
    it("every repository path the protocol pages, game-rules.md and operations.md name in backticks exists", () => {
      for (const file of [...PROTOCOL_DOCS, "docs/game-rules.md", "docs/operations.md"]) {
        for (const { line, n } of prose(read(file))) {
          for (const [, path] of line.matchAll(/`((?:server|rooms|client-sdk|web|content|loadtest|test|docs)\/[\w./-]*)`/g)) {
            assert.ok(existsSync(join(ROOT, path)), `${file}:${n} names ${path}, which does not exist`);
          }
        }
      }
    });
  });
});
