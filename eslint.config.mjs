// `npm run lint` (eslint . --max-warnings 0): typescript-eslint's recommended rules, without
// the type-checked ones (they would run the compiler a second time: `npm run typecheck` does
// that once), and no console in the server and the rooms (they log through server/logger.ts).
import { defineConfig, globalIgnores } from "eslint/config";
import i18next from "eslint-plugin-i18next";
import tseslint from "typescript-eslint";

export default defineConfig(
  globalIgnores(["**/node_modules/", "dist/", ".tmp/", "web/dist/", ".tools/", ".scratch/", ".data/", "coverage/", "test-artifacts/"]),
  tseslint.configs.recommended,
  {
    rules: {
      // Deliberate here: a parameter a signature needs but the body does not (Express's
      // 4-argument error handler, an overridden hook) starts with `_`, and a key is dropped
      // from an object by destructuring it beside a rest (`const { _id, ...rest } = doc`).
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", ignoreRestSiblings: true }],
    },
  },
  {
    files: ["server/**", "rooms/**"],
    rules: { "no-console": "error" },
  },
  {
    // No sentence written in a component: what the learner reads comes from the catalogues
    // (web/src/locales, docs/web.md "Interface languages"). "jsx-only" looks at every string in
    // JSX text and in the markup's expressions ({cond ? "a" : "b"}), and in the attributes a
    // person reads or hears, on an element or a component (those listed: aria-label, title,
    // placeholder, alt, a component's label or legend). Every other attribute is code (class,
    // role, id, lang, href, handlers, a prop naming a screen), and so are the arguments of the
    // calls listed (navigation, formatting, i18next itself).
    files: ["web/src/**/*.tsx"],
    plugins: { i18next },
    rules: {
      "i18next/no-literal-string": [
        "error",
        {
          mode: "jsx-only",
          "jsx-attributes": {
            include: ["aria-label", "aria-description", "aria-roledescription", "aria-valuetext", "aria-placeholder", "title", "placeholder", "alt", "label", "legend", "caption", "heading", "message"],
          },
          callees: {
            exclude: ["t", "translate", "i18n(ext)?", "go", "formatNumber", "directionLabel", "languageName", "languageLabel", "require", "addEventListener", "removeEventListener", "includes", "indexOf", "startsWith", "endsWith"],
          },
          words: {
            exclude: [
              // No letter in it: punctuation, numbers, arrows and marks (" · ", "→", "×", "✕").
              /^[^\p{L}]*$/u,
              // Capitals and digits only: a code's example ("K7QX2M"), an abbreviation.
              /^[A-Z0-9_-]+$/,
              // The brand.
              "LinguaLeap",
            ],
          },
        },
      ],
      // Sentences the literal-string rule does not see, outside JSX: a dialog's text, the page's title.
      "no-restricted-syntax": [
        "error",
        {
          selector: "CallExpression:matches([callee.name=/^(alert|confirm|prompt)$/], [callee.property.name=/^(alert|confirm|prompt)$/]) > :matches(Literal, TemplateLiteral).arguments",
          message: "A dialog's text comes from the catalogues: confirm(t(\"…\")).",
        },
        {
          selector: "AssignmentExpression[left.property.name='title'] > :matches(Literal, TemplateLiteral).right",
          message: "The page's title comes from the catalogues (web/src/i18n.ts sets it).",
        },
      ],
    },
  },
  {
    // Tests read Colyseus state as the client decodes it, without the schema classes
    // (`Room<any>`, `(state: any) => …`), and reach into the transport's socket on purpose:
    // typing those would add casts, not checks.
    files: ["test/**"],
    rules: { "@typescript-eslint/no-explicit-any": "off" },
  },
);
