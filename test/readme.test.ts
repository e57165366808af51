/**
 * Every TypeScript block of the README compiles as written, on its own, with
 * the compiler settings of a new cdk8s `typescript-app` (strict, with
 * noUnusedLocals and noUnusedParameters), as a user would paste it.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

const ROOT = path.join(__dirname, '..');
const PACKAGE = 'cdk8s-argocd-backstage-notifications';

/** The ```ts blocks of a markdown file, with the line each starts on. */
export function typescriptBlocks(markdown: string): Array<{ line: number; code: string }> {
  const blocks: Array<{ line: number; code: string }> = [];
  const lines = markdown.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```(ts|typescript)\s*$/.exec(lines[i]);
    if (!open) continue;
    const indent = open[1].length;
    const start = i + 1;
    let end = start;
    while (end < lines.length && !/^\s*```\s*$/.test(lines[end])) end++;
    blocks.push({ line: start + 1, code: lines.slice(start, end).map(l => l.slice(indent)).join('\n') });
    i = end;
  }
  return blocks;
}

/** The compiler options of cdk8s-cli's typescript-app template. */
function appCompilerOptions(): ts.CompilerOptions {
  const template = path.join(ROOT, 'node_modules', 'cdk8s-cli', 'templates', 'typescript-app', 'tsconfig.json');
  const { config } = ts.readConfigFile(template, ts.sys.readFile);
  const { options, errors } = ts.convertCompilerOptionsFromJson(config.compilerOptions, ROOT);
  if (errors.length > 0) throw new Error(ts.flattenDiagnosticMessageText(errors[0].messageText, '\n'));
  return options;
}

const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf-8');
const blocks = typescriptBlocks(readme);

test('the README has TypeScript examples', () => {
  expect(blocks.length).toBeGreaterThan(10);
});

test('the new app template is as strict as the check claims', () => {
  expect(appCompilerOptions()).toMatchObject({ strict: true, noUnusedLocals: true, noUnusedParameters: true, noImplicitAny: true });
});

/** Compiler problems of each block, compiled as a file of its own in a new cdk8s app. */
function compile(snippets: Array<{ line: number; code: string }>): string[] {
  // Inside the checkout (in git-ignored node_modules), so that cdk8s and
  // constructs resolve from its node_modules.
  const cache = path.join(ROOT, 'node_modules', '.cache');
  fs.mkdirSync(cache, { recursive: true });
  const dir = fs.mkdtempSync(path.join(cache, 'readme-'));
  try {
    const files = snippets.map((b, i) => {
      const file = path.join(dir, `block-${i}.ts`);
      // Each block is a module of its own, as a file in a user's app.
      fs.writeFileSync(file, b.code.includes('import ') ? b.code : `${b.code}\nexport {};\n`);
      return file;
    });
    const options: ts.CompilerOptions = {
      ...appCompilerOptions(),
      noEmit: true,
      // The template's target and lib predate what the library's sources use;
      // they are the installed package's business, not the snippet's.
      target: ts.ScriptTarget.ES2022,
      lib: ['lib.es2022.d.ts'],
      types: ['node'],
      typeRoots: [path.join(ROOT, 'node_modules', '@types')],
      baseUrl: ROOT,
      paths: { [PACKAGE]: ['src/index.ts'], [`${PACKAGE}/*`]: ['src/*'] },
      ignoreDeprecations: '6.0',
      skipLibCheck: true,
    };
    const program = ts.createProgram(files, options);
    return ts.getPreEmitDiagnostics(program)
      .filter(d => d.file === undefined || files.includes(path.resolve(d.file.fileName)))
      .map(d => {
        const block = d.file ? files.indexOf(path.resolve(d.file.fileName)) : -1;
        const at = d.file && d.start !== undefined ? d.file.getLineAndCharacterOfPosition(d.start).line : 0;
        const where = block >= 0 ? `README.md:${snippets[block].line + at}` : 'README.md';
        return `${where}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
      });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

test('every TypeScript block of the README compiles on its own with a new cdk8s app\'s settings', () => {
  expect(compile(blocks)).toEqual([]);
});

test('the check fails on the faults a new app rejects: an unused local, a missing import, a wrong prop', () => {
  const fragment = typescriptBlocks([
    'x',
    '```ts',
    "import { App, Chart } from 'cdk8s';",
    "import { ArgoCdBackstageNotifications } from 'cdk8s-argocd-backstage-notifications';",
    'const chart = new Chart(new App(), \'c\');',
    "const n = new ArgoCdBackstageNotifications(chart, 'N', { backstageUrl: 'https://b.example.com', argocdUrl: 'https://a.example.com' });",
    '```',
    '```ts',
    "new RhdhNotifications(chart, 'R', { namespace: 'rhdh' });",
    '```',
    '```ts',
    "import { App, Chart } from 'cdk8s';",
    "import { ArgoCdBackstageNotifications } from 'cdk8s-argocd-backstage-notifications';",
    "new ArgoCdBackstageNotifications(new Chart(new App(), 'c'), 'N', { backstageURL: 'https://b.example.com', argocdUrl: 'https://a.example.com' });",
    '```',
  ].join('\n'));
  expect(compile(fragment)).toEqual([
    expect.stringMatching(/^README.md:6: 'n' is declared but its value is never read/),
    expect.stringMatching(/^README.md:9: Cannot find name 'RhdhNotifications'/),
    expect.stringMatching(/^README.md:9: Cannot find name 'chart'/),
    expect.stringMatching(/^README.md:14: Object literal may only specify known properties, .*'backstageURL'/),
  ]);
});
