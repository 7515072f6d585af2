/**
 * The SDK's views of the rooms' state have exactly the schema's fields, both ways. The schema
 * side is read at run time from @colyseus/schema's metadata; the SDK side is the view type as
 * client-sdk/index.ts exports it, read with the TypeScript checker (so nothing is listed twice:
 * a field added to one side only fails here).
 */
import { strict as assert } from "node:assert";
import { join } from "node:path";
import { Metadata } from "@colyseus/schema";
import ts from "typescript";
import { PlayerState, WordDuelState } from "../../rooms/word-duel/WordDuelState";
import { QueueState } from "../../rooms/ranked-queue/QueueState";
import { EntryState, LeaderboardState } from "../../rooms/leaderboard/LeaderboardState";

const ROOT = join(__dirname, "..", "..");
const SDK = join(ROOT, "client-sdk", "index.ts");

type SchemaClass = { name: string };

/**
 * Each schema class and the SDK type that shows it. `key`: a map's entries become an array
 * whose items carry their map key under this name. `derived`: a view field made of wire
 * fields in their compact form (a deadline after the room's clock origin, an index), which
 * the view shows in place of them.
 */
const VIEWS: { schema: SchemaClass; view: string; key?: string; derived?: Record<string, string[]> }[] = [
  { schema: WordDuelState, view: "DuelView", derived: { phaseEndsAt: ["clockBase", "phaseEnds"], reveal: ["reveal", "revealChoice"] } },
  { schema: PlayerState, view: "PlayerView", key: "sessionId", derived: { answered: ["answeredRound"] } },
  { schema: LeaderboardState, view: "BoardView" },
  { schema: EntryState, view: "LeaderboardRow" },
  { schema: QueueState, view: "QueueView" },
];

/** A schema class's fields and their types (a class, `{map: C}`, `{array: C}`, `["string"]` or a primitive name). */
function schemaFields(klass: SchemaClass): Record<string, unknown> {
  return Metadata.getFields(klass as never) as Record<string, unknown>;
}

/** The schema class a field holds, itself or as the items of a collection. */
function childClass(type: unknown): SchemaClass | undefined {
  if (typeof type === "function") return type as SchemaClass;
  if (Array.isArray(type)) return childClass(type[0]);
  if (type && typeof type === "object") return childClass(Object.values(type)[0]);
  return undefined;
}

/** An SDK type as the checker resolves it: its properties, and what each holds (an array's items). */
interface SdkType {
  type: ts.Type;
  /** Property name → the property's type, or its items' type for an array. */
  properties: Map<string, ts.Type>;
}

/** The types client-sdk/index.ts exports under `names`. */
function sdkTypes(names: string[]): Map<string, SdkType> {
  const config = ts.getParsedCommandLineOfConfigFile(join(ROOT, "tsconfig.json"), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => undefined })!;
  const program = ts.createProgram([SDK], { ...config.options, noEmit: true });
  const checker = program.getTypeChecker();
  const moduleSymbol = checker.getSymbolAtLocation(program.getSourceFile(SDK)!)!;
  const exported = new Map(checker.getExportsOfModule(moduleSymbol).map((s) => [s.name, s]));
  const held = (t: ts.Type) => (checker.isArrayType(t) ? checker.getTypeArguments(t as ts.TypeReference)[0] : t);
  const out = new Map<string, SdkType>();
  for (const name of names) {
    let symbol = exported.get(name);
    assert.ok(symbol, `client-sdk/index.ts exports no type ${name}`);
    if (symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
    const type = checker.getDeclaredTypeOfSymbol(symbol);
    out.set(name, { type, properties: new Map(checker.getPropertiesOfType(type).map((p) => [p.name, held(checker.getTypeOfSymbol(p))])) });
  }
  return out;
}

describe("the SDK's state views (client-sdk) against the rooms' schema", function () {
  this.timeout(30_000);
  const views = new Map(VIEWS.map((v) => [v.schema, v]));
  let sdk: Map<string, SdkType>;
  before(() => {
    sdk = sdkTypes(VIEWS.map((v) => v.view));
  });

  it("finds every view and every schema class", () => {
    for (const { schema, view } of VIEWS) {
      assert.ok(Object.keys(schemaFields(schema)).length > 0, `${schema.name} has no fields`);
      assert.ok(sdk.get(view)!.properties.size > 0, `${view} has no properties`);
    }
  });

  for (const { schema, view, key, derived = {} } of VIEWS) {
    it(`${view} has exactly the fields of ${schema.name}${key ? ` and its map key (${key})` : ""}`, () => {
      const made = new Set(Object.values(derived).flat());
      for (const field of made) assert.ok(field in schemaFields(schema), `${view} derives from ${schema.name}.${field}, which the schema does not have`);
      const kept = Object.keys(schemaFields(schema)).filter((f) => !made.has(f));
      const fromSchema = [...new Set([...kept, ...Object.keys(derived), ...(key ? [key] : [])])].sort();
      assert.deepEqual([...sdk.get(view)!.properties.keys()].sort(), fromSchema);
    });
  }

  it("shows each nested schema class through its own view", () => {
    for (const { schema, view } of VIEWS) {
      for (const [field, type] of Object.entries(schemaFields(schema))) {
        const child = childClass(type);
        if (!child) continue;
        const childView = views.get(child);
        assert.ok(childView, `${schema.name}.${field} holds ${child.name}, which no SDK view shows`);
        assert.ok(sdk.get(view)!.properties.get(field) === sdk.get(childView.view)!.type, `${view}.${field} is not made of ${childView.view}`);
      }
    }
  });
});
