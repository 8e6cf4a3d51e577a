#!/usr/bin/env node
// API report: the public surface of every package, one file per package in api/<name>.api.md, so a change
// to what users can import is a visible, reviewed diff (the job API Extractor does, in ~200 lines).
//
// For each entry of a package's `exports` map (its `@responses-bridge/source` file), it lists every export
// with its kind and its signature, as the TypeScript compiler sees them: function overloads, variable types,
// class members, interface and type alias declarations (comments dropped). It also lists the types an
// exported declaration names that no entry of its package exports ("referenced, not exported"): a user
// can meet them in a signature but cannot import them.
//
// Usage: node scripts/api-report.mjs           write api/*.api.md
//        node scripts/api-report.mjs --check   exit 1, with the files that differ, when api/ is stale
// test/api-report.test.ts runs the same generation in memory and fails when api/ is out of date.
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const SOURCE_CONDITION = "@responses-bridge/source";
/** The command that regenerates the report, quoted by the test when the report is stale. */
export const UPDATE_COMMAND = "node scripts/api-report.mjs";

/** Every public package and its entries: `{ name, dir, entries: [{ specifier, file }] }`. */
function findPackages(root) {
  const packagesDir = join(root, "packages");
  const packages = [];
  for (const dirName of readdirSync(packagesDir).sort()) {
    const manifestPath = join(packagesDir, dirName, "package.json");
    if (!existsSync(manifestPath)) continue;
    const manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
    if (manifest.private) continue;
    const entries = [];
    for (const [subpath, target] of Object.entries(manifest.exports ?? {})) {
      const source = typeof target === "object" && target !== null ? target[SOURCE_CONDITION] : undefined;
      if (typeof source !== "string") continue;
      const specifier = subpath === "." ? manifest.name : `${manifest.name}/${subpath.slice(2)}`;
      entries.push({ specifier, file: resolve(packagesDir, dirName, source) });
    }
    if (entries.length > 0) packages.push({ name: manifest.name, dir: join(packagesDir, dirName), entries });
  }
  return packages;
}

function compilerOptions(root) {
  const config = ts.readConfigFile(join(root, "tsconfig.base.json"), ts.sys.readFile).config;
  const parsed = ts.convertCompilerOptionsFromJson(config.compilerOptions, root);
  return { ...parsed.options, noEmit: true, types: ["node"], skipLibCheck: true };
}

const FORMAT = ts.TypeFormatFlags.NoTruncation | ts.TypeFormatFlags.UseAliasDefinedOutsideCurrentScope;
const printer = ts.createPrinter({ removeComments: true, newLine: ts.NewLineKind.LineFeed });

/** Normalises a printed declaration: 2-space indentation, no `export`/`declare` modifiers. */
function tidy(text) {
  return text
    .replace(/^(export )?(declare )?/gm, "")
    .replace(/^( {4})+/gm, (indent) => " ".repeat(indent.length / 2))
    .replace(
      /import\("[^"]*node_modules\/(?:\.pnpm\/[^"]*?\/node_modules\/)?([^"]+?)(?:\/index)?(?:\.d)?(?:\.[cm]?ts)?"\)/g,
      'import("$1")',
    )
    .replace(
      /import\("(\/[^"]+)"\)/g,
      (_match, path) => `import("${relative(ROOT, path).split(sep).join("/")}")`,
    );
}

/** Kind and signature lines of one exported symbol. */
function describe(checker, name, symbol) {
  const declarations = symbol.declarations ?? [];
  const first = declarations[0];
  const file = first?.getSourceFile().fileName ?? "";
  if (file.includes(`${sep}node_modules${sep}`) || file.includes("/node_modules/")) {
    const module = file
      .replace(/^.*node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?/, "")
      .replace(/(\/index)?\.d\.[cm]?ts$/, "");
    return { kind: "re-export", text: `// re-exported from ${module}\n${name}` };
  }
  const flags = symbol.flags;
  if (flags & ts.SymbolFlags.Function) {
    const type = checker.getTypeOfSymbol(symbol);
    const lines = checker
      .getSignaturesOfType(type, ts.SignatureKind.Call)
      .map((signature) => `function ${name}${checker.signatureToString(signature, undefined, FORMAT)};`);
    return { kind: "function", text: lines.join("\n") };
  }
  if (flags & ts.SymbolFlags.Class) {
    const declaration = declarations.find(ts.isClassDeclaration);
    const heritage = (declaration?.heritageClauses ?? []).map((clause) => ` ${clause.getText()}`).join("");
    const lines = [`class ${name}${heritage} {`];
    const staticType = checker.getTypeOfSymbol(symbol);
    for (const signature of checker.getSignaturesOfType(staticType, ts.SignatureKind.Construct)) {
      const params = signature.parameters.map((parameter) => {
        const parameterDeclaration = parameter.valueDeclaration;
        const optional = parameterDeclaration && checker.isOptionalParameter(parameterDeclaration) ? "?" : "";
        return `${parameter.name}${optional}: ${checker.typeToString(checker.getTypeOfSymbol(parameter), undefined, FORMAT)}`;
      });
      lines.push(`  constructor(${params.join(", ")});`);
    }
    const member = (prefix, property) => {
      const memberDeclaration = property.valueDeclaration ?? property.declarations?.[0];
      const modifiers = memberDeclaration ? ts.getCombinedModifierFlags(memberDeclaration) : 0;
      if (modifiers & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) return;
      if (property.name.startsWith("#") || property.name === "prototype") return;
      const readonly = modifiers & ts.ModifierFlags.Readonly ? "readonly " : "";
      const type = checker.getTypeOfSymbol(property);
      // A symbol-keyed member (`[inspect.custom]`) by its source spelling, not the checker's internal id.
      const key = property.name.startsWith("__@")
        ? (memberDeclaration?.name?.getText() ?? "[symbol]")
        : property.name;
      lines.push(`  ${prefix}${readonly}${key}: ${checker.typeToString(type, undefined, FORMAT)};`);
    };
    // Members the class declares itself (inherited ones belong to the base class's report, or to a library).
    const own = (property) => property.declarations?.some((d) => d.parent === declaration);
    for (const property of checker.getPropertiesOfType(staticType))
      if (own(property)) member("static ", property);
    const instance = checker.getDeclaredTypeOfSymbol(symbol);
    for (const property of checker.getPropertiesOfType(instance)) if (own(property)) member("", property);
    lines.push("}");
    return { kind: "class", text: lines.join("\n") };
  }
  if (flags & ts.SymbolFlags.Variable) {
    const type = checker.getTypeOfSymbol(symbol);
    return { kind: "const", text: `const ${name}: ${checker.typeToString(type, undefined, FORMAT)};` };
  }
  const typeDeclarations = declarations.filter(
    (d) => ts.isInterfaceDeclaration(d) || ts.isTypeAliasDeclaration(d) || ts.isEnumDeclaration(d),
  );
  if (typeDeclarations.length > 0) {
    const kind = ts.isInterfaceDeclaration(typeDeclarations[0])
      ? "interface"
      : ts.isEnumDeclaration(typeDeclarations[0])
        ? "enum"
        : "type";
    const text = typeDeclarations
      .map((d) => tidy(printer.printNode(ts.EmitHint.Unspecified, d, d.getSourceFile())))
      .join("\n");
    return { kind, text };
  }
  return { kind: "unknown", text: name };
}

/** {@link describe} with every path made relative to the repository (the report is machine-independent). */
function describeTidy(checker, name, symbol) {
  const { kind, text } = describe(checker, name, symbol);
  return { kind, text: tidy(text) };
}

/** The named types `declaration`'s signature mentions (type references and heritage clauses), skipping bodies. */
function referencedSymbols(checker, declaration) {
  const found = new Set();
  const visit = (node) => {
    if (ts.isBlock(node)) return;
    if (ts.isTypeReferenceNode(node) || ts.isExpressionWithTypeArguments(node)) {
      const target = ts.isTypeReferenceNode(node) ? node.typeName : node.expression;
      let symbol = checker.getSymbolAtLocation(target);
      if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
      if (symbol && !(symbol.flags & ts.SymbolFlags.TypeParameter)) found.add(symbol);
    }
    if (ts.isTypeQueryNode(node)) {
      let symbol = checker.getSymbolAtLocation(node.exprName);
      if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
      if (symbol) found.add(symbol);
    }
    ts.forEachChild(node, visit);
  };
  visit(declaration);
  return found;
}

/**
 * The reports, as `Map<path relative to the root, text>`, from the sources under `root` (default: this
 * repository).
 */
export function generateApiReports(root = ROOT) {
  const packages = findPackages(root);
  const files = packages.flatMap((pkg) => pkg.entries.map((entry) => entry.file));
  const program = ts.createProgram(files, compilerOptions(root));
  const checker = program.getTypeChecker();
  const reports = new Map();
  for (const pkg of packages) {
    const sections = [];
    const exported = new Set();
    const entryExports = pkg.entries.map((entry) => {
      const sourceFile = program.getSourceFile(entry.file);
      if (!sourceFile) throw new Error(`api-report: cannot load ${entry.file}`);
      const moduleSymbol = checker.getSymbolAtLocation(sourceFile);
      const symbols = (moduleSymbol ? checker.getExportsOfModule(moduleSymbol) : [])
        .map((symbol) => ({
          name: symbol.name,
          symbol: symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol,
        }))
        .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const { symbol } of symbols) exported.add(symbol);
      return { entry, symbols };
    });
    const missing = new Map();
    for (const { entry, symbols } of entryExports) {
      const described = symbols.map(({ name, symbol }) => ({ name, ...describeTidy(checker, name, symbol) }));
      const values = symbols.filter(({ symbol }) => symbol.flags & ts.SymbolFlags.Value).length;
      sections.push(
        `## \`${entry.specifier}\`\n\n${values} values, ${symbols.length} names in all.\n\n` +
          "```ts\n" +
          described.map(({ kind, text }) => `// ${kind}\n${text}`).join("\n\n") +
          "\n```\n",
      );
      for (const { name, symbol } of symbols) {
        for (const declaration of symbol.declarations ?? []) {
          if (!declaration.getSourceFile().fileName.startsWith(pkg.dir + sep)) continue;
          for (const referenced of referencedSymbols(checker, declaration)) {
            const source = referenced.declarations?.[0]?.getSourceFile().fileName ?? "";
            if (!source.startsWith(pkg.dir + sep) || exported.has(referenced)) continue;
            const users = missing.get(referenced.name) ?? new Set();
            users.add(name);
            missing.set(referenced.name, users);
          }
        }
      }
    }
    const missingLines = [...missing.entries()]
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(
        ([name, users]) =>
          `- \`${name}\`, named by ${[...users]
            .sort()
            .map((u) => `\`${u}\``)
            .join(", ")}`,
      );
    const text = [
      `# ${pkg.name}: public API`,
      "",
      `<!-- Generated by \`${UPDATE_COMMAND}\` from the sources; do not edit. test/api-report.test.ts fails when it is stale. -->`,
      "",
      ...sections,
      "## Referenced, not exported",
      "",
      missingLines.length === 0
        ? "None: every type a public signature names can be imported."
        : `Types a public signature names that no entry exports:\n\n${missingLines.join("\n")}`,
      "",
    ].join("\n");
    reports.set(`api/${pkg.name.replace(/^@[^/]+\//, "")}.api.md`, text);
  }
  return reports;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const reports = generateApiReports();
  const check = process.argv.includes("--check");
  const stale = [];
  for (const [path, text] of reports) {
    const target = join(ROOT, path);
    const current = existsSync(target) ? readFileSync(target, "utf8") : undefined;
    if (current === text) continue;
    stale.push(path);
    if (!check) {
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, text);
    }
  }
  if (check && stale.length > 0) {
    console.error(`API report out of date: ${stale.join(", ")}. Run \`${UPDATE_COMMAND}\` and commit api/.`);
    process.exit(1);
  }
  console.log(stale.length === 0 ? "API report up to date." : `Wrote ${stale.join(", ")}.`);
}
