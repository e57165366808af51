import { ItemType, Lexer, formatRune, goQuote, itemString, utf8Length } from '../../src/private/go-template-lexer';
import {
  ActionNode,
  ChainNode,
  GO_MAX_EXPRESSION_DEPTH,
  GO_MAX_PIPELINE_COMMANDS,
  IfNode,
  ListNode,
  Node,
  NumberNode,
  RangeNode,
  StringNode,
  TemplateNode,
  TemplateParseResult,
  WithNode,
  formatNode,
  parseGoTemplate,
  walk,
} from '../../src/private/go-template-parser';
import {
  APPLICATIONSET_GO_TEMPLATE_OPTIONS,
  APPLICATIONSET_TEMPLATE_FUNCS,
  GO_TEMPLATE_BUILTINS,
  NOTIFICATIONS_SLACK_TEMPLATE_FUNCS,
  NOTIFICATIONS_TEMPLATE_FUNCS,
  SPRIG_FUNCS_SINCE_3_3_0,
  SPRIG_TXT_FUNCS,
  fasttemplateError,
  fasttemplateTags,
  isFasttemplateTemplated,
} from '../../src/private/template-functions';
import { CorpusFuncs, INVALID_TEMPLATES, TemplateCorpusEntry, VALID_TEMPLATES, corpusFuncs } from '../go-template-corpus';

const TABLES: Record<CorpusFuncs, ReadonlySet<string>> = {
  'notifications': NOTIFICATIONS_TEMPLATE_FUNCS,
  'notifications-slack': new Set([...NOTIFICATIONS_TEMPLATE_FUNCS, ...NOTIFICATIONS_SLACK_TEMPLATE_FUNCS]),
  'applicationset': APPLICATIONSET_TEMPLATE_FUNCS,
};

function title(entry: TemplateCorpusEntry): string {
  const text = JSON.stringify(entry.text);
  return entry.note ?? (text.length > 80 ? `${text.slice(0, 77)}...` : text);
}

function parse(text: string, funcs: ReadonlySet<string> = NOTIFICATIONS_TEMPLATE_FUNCS): TemplateParseResult {
  return parseGoTemplate(text, funcs);
}

/** Parses a template that must parse. */
function tree(text: string, funcs?: ReadonlySet<string>): ListNode {
  const result = parse(text, funcs);
  if (!result.ok) throw new Error(`${JSON.stringify(text)}: ${result.error.message}`);
  return result.tree;
}

/** The error of a template that must fail: "LINE: MESSAGE". */
function failure(text: string, funcs?: ReadonlySet<string>): string {
  const result = parse(text, funcs);
  if (result.ok) throw new Error(`${JSON.stringify(text)} parsed`);
  return `${result.error.position.line}: ${result.error.message}`;
}

/** The first node of the tree. */
function first<T extends Node>(text: string): T {
  return tree(text).nodes[0] as T;
}

/** The single argument of the first command of an action. */
function argument<T extends Node>(text: string): T {
  return first<ActionNode>(text).pipe.cmds[0].args[0] as T;
}

describe('the corpus', () => {
  test.each(VALID_TEMPLATES.map(e => [title(e), e] as const))('parses %s', (_title, entry) => {
    const funcs = TABLES[corpusFuncs(entry)];
    const result = parseGoTemplate(entry.text, funcs);
    if (!result.ok) throw new Error(result.error.message);
    // What formatNode writes parses to the same tree.
    const again = parseGoTemplate(formatNode(result.tree), funcs);
    expect(again.ok && formatNode(again.tree)).toEqual(formatNode(result.tree));
  });

  test.each(INVALID_TEMPLATES.map(e => [title(e), e] as const))('rejects %s', (_title, entry) => {
    const result = parseGoTemplate(entry.text, TABLES[corpusFuncs(entry)]);
    expect(result.ok ? 'ok' : `${result.error.position.line}: ${result.error.message}`).toEqual(`${entry.line ?? 1}: ${entry.error}`);
  });

  test('has enough of both', () => {
    expect(VALID_TEMPLATES.length).toBeGreaterThanOrEqual(150);
    expect(INVALID_TEMPLATES.length).toBeGreaterThanOrEqual(100);
    expect(VALID_TEMPLATES.every(e => e.error === undefined)).toBe(true);
    expect(INVALID_TEMPLATES.every(e => e.error !== undefined)).toBe(true);
  });
});

describe('the tree', () => {
  test('mirrors Go: an index pipeline, with Go positions', () => {
    const text = '{{ index .app.metadata.annotations "backstage.io/entity-ref" | toJson }}';
    const pos = (offset: number) => ({ offset, line: 1, column: offset + 1 });
    expect(tree(text)).toEqual({
      type: 'List',
      position: pos(0),
      nodes: [
        {
          type: 'Action',
          position: pos(3),
          pipe: {
            type: 'Pipe',
            position: pos(3),
            isAssign: false,
            decl: [],
            cmds: [
              {
                type: 'Command',
                position: pos(3),
                args: [
                  { type: 'Identifier', position: pos(3), ident: 'index' },
                  // Go starts a field chain where its second field starts.
                  { type: 'Field', position: pos(13), ident: ['app', 'metadata', 'annotations'] },
                  { type: 'String', position: pos(35), quoted: '"backstage.io/entity-ref"', text: 'backstage.io/entity-ref' },
                ],
              },
              { type: 'Command', position: pos(63), args: [{ type: 'Identifier', position: pos(63), ident: 'toJson' }] },
            ],
          },
        },
      ],
    });
  });

  test('else if nests an if in the else list, sharing one end', () => {
    const node = first<IfNode>('{{if .a}}A{{else if .b}}B{{else}}C{{end}}');
    expect(node.type).toBe('If');
    expect(formatNode(node.pipe)).toBe('.a');
    expect(formatNode(node.list)).toBe('A');
    const inner = node.elseList!.nodes[0] as IfNode;
    expect(node.elseList!.nodes).toHaveLength(1);
    expect(inner.type).toBe('If');
    expect(formatNode(inner.pipe)).toBe('.b');
    expect(formatNode(inner.elseList!)).toBe('C');
    // The else list starts at the "if" that follows "else".
    expect(node.elseList!.position.offset).toBe('{{if .a}}A{{else '.length);
  });

  test('else with nests a with the same way (Go 1.23)', () => {
    const node = first<WithNode>('{{with .a}}A{{else with .b}}B{{end}}');
    expect(node.type).toBe('With');
    expect((node.elseList!.nodes[0] as WithNode).type).toBe('With');
  });

  test('if, range and with sit at their pipelines, as in Go', () => {
    expect(first<IfNode>('{{if  .a}}{{end}}').position.offset).toBe(6);
    expect(first<RangeNode>('{{range .a}}{{end}}').position.offset).toBe(8);
  });

  test('range declares its variables; assignments are marked', () => {
    const range = first<RangeNode>('{{range $i, $v := .}}{{$v}}{{end}}');
    expect(range.type).toBe('Range');
    expect(range.pipe.isAssign).toBe(false);
    expect(range.pipe.decl.map(v => v.ident)).toEqual([['$i'], ['$v']]);
    const assign = tree('{{$x := 1}}{{$x = 2}}').nodes[1] as ActionNode;
    expect(assign.pipe.isAssign).toBe(true);
    expect(formatNode(assign)).toBe('{{$x = 2}}');
  });

  test('variables and fields of variables', () => {
    expect(argument('{{$.a.b}}')).toMatchObject({ type: 'Variable', ident: ['$', 'a', 'b'] });
    expect(argument('{{$}}')).toMatchObject({ type: 'Variable', ident: ['$'] });
  });

  test('fields of anything else are a chain', () => {
    const chain = argument<ChainNode>('{{(.a).b.c}}');
    expect(chain.type).toBe('Chain');
    expect(chain.node.type).toBe('Pipe');
    expect(chain.field).toEqual(['b', 'c']);
    expect(formatNode(chain)).toBe('(.a).b.c');
    expect(argument<ChainNode>('{{toJson.x}}')).toMatchObject({ type: 'Chain', node: { type: 'Identifier', ident: 'toJson' }, field: ['x'] });
  });

  test('a parenthesised pipeline is a PipeNode argument', () => {
    const cmd = first<ActionNode>('{{printf "%s" (.a | upper)}}').pipe.cmds[0];
    expect(cmd.args.map(a => a.type)).toEqual(['Identifier', 'String', 'Pipe']);
    expect(formatNode(cmd)).toBe('printf "%s" (.a | upper)');
  });

  test('literals', () => {
    expect(argument('{{nil}}')).toMatchObject({ type: 'Nil' });
    expect(argument('{{.}}')).toMatchObject({ type: 'Dot' });
    expect(argument('{{true}}')).toMatchObject({ type: 'Bool', value: true });
    expect(argument('{{false}}')).toMatchObject({ type: 'Bool', value: false });
  });

  test('strings are unquoted as Go does', () => {
    const text = (t: string) => argument<StringNode>(t).text;
    expect(text('{{"a\\tb\\n\\"\\\\"}}')).toBe('a\tb\n"\\');
    expect(text('{{"\\101\\x41\\u0041\\U0001F600é"}}')).toBe('AAA😀é');
    expect(text('{{"\\a\\b\\f\\r\\v"}}')).toBe('\x07\b\f\r\v');
    expect(text('{{"\\u263a\\u00e9"}}')).toBe('☺é');
    // A byte that is not UTF-8 decodes to U+FFFD.
    expect(text('{{"\\xff"}}')).toBe('\ufffd');
    // Raw strings lose their carriage returns.
    expect(text('{{`a\r\nb\\n`}}')).toBe('a\nb\\n');
  });

  test('numbers carry every type that can hold them', () => {
    const num = (t: string) => {
      const { type, position, ...rest } = argument<NumberNode>(`{{${t}}}`);
      expect(type).toBe('Number');
      expect(position.offset).toBe(2);
      return rest;
    };
    expect(num('1')).toEqual({ text: '1', isInt: true, isUint: true, isFloat: true, isComplex: false, int64: 1n, uint64: 1n, float64: 1 });
    expect(num('-0')).toEqual({ text: '-0', isInt: true, isUint: true, isFloat: true, isComplex: false, int64: 0n, uint64: 0n, float64: 0 });
    expect(num('-5')).toMatchObject({ isInt: true, isUint: false, int64: -5n, uint64: undefined, float64: -5 });
    expect(num('18446744073709551615')).toMatchObject({ isInt: false, isUint: true, uint64: 18446744073709551615n });
    expect(num('0x1F')).toMatchObject({ int64: 31n });
    expect(num('0b101')).toMatchObject({ int64: 5n });
    expect(num('0o17')).toMatchObject({ int64: 15n });
    expect(num('017')).toMatchObject({ int64: 15n });
    expect(num('1_000')).toMatchObject({ int64: 1000n });
    expect(num('1.5')).toEqual({ text: '1.5', isInt: false, isUint: false, isFloat: true, isComplex: false, float64: 1.5, int64: undefined, uint64: undefined });
    expect(num('1e3')).toMatchObject({ isInt: true, isUint: true, int64: 1000n, float64: 1000 });
    expect(num('-1.0')).toMatchObject({ isInt: true, isUint: false, int64: -1n });
    expect(num('1e19')).toMatchObject({ isInt: false, isUint: true, uint64: 10000000000000000000n });
    expect(num('1e300')).toMatchObject({ isInt: false, isUint: false, float64: 1e300 });
    expect(num('0x1p-2')).toMatchObject({ float64: 0.25 });
    expect(num('0x1.8p1')).toMatchObject({ float64: 3 });
    expect(num('-0x1p-1074')).toMatchObject({ float64: -5e-324 });
    expect(num('0x1p-1080')).toMatchObject({ float64: 0 });
    expect(num('-0x0p0').float64).toBe(-0);
    expect(num('0x1.fffffffffffff8p0')).toMatchObject({ float64: 2 });
    expect(num('0x1.00000000000008p0')).toMatchObject({ float64: 1 });
    expect(num('0x1.000000000000081p0')).toMatchObject({ float64: 1 + 2 ** -52 });
    expect(num('0x10000000000000000p0')).toMatchObject({ float64: 2 ** 64 });
    // Hexadecimal digits beyond the sixteenth still break a tie.
    expect(num('0x1.0000000000000800000001p0')).toMatchObject({ float64: 1 + 2 ** -52 });
    expect(num("'a'")).toEqual({ text: "'a'", isInt: true, isUint: true, isFloat: true, isComplex: false, int64: 97n, uint64: 97n, float64: 97 });
    expect(num("'😀'")).toMatchObject({ int64: 0x1f600n });
    expect(num("'\\xff'")).toMatchObject({ int64: 255n });
    expect(num('1+2i')).toEqual({ text: '1+2i', isInt: false, isUint: false, isFloat: false, isComplex: true, complex: { real: 1, imag: 2 } });
    expect(num('2+0i')).toMatchObject({ isComplex: true, isFloat: true, isInt: true, int64: 2n, complex: { real: 2, imag: 0 } });
    expect(num('1.5i')).toMatchObject({ isComplex: true, isFloat: false, complex: { real: 0, imag: 1.5 } });
    expect(num('0i')).toMatchObject({ isComplex: true, isFloat: true, isInt: true, float64: 0 });
  });

  test('a hexadecimal float too large for float64 is an error', () => {
    expect(failure('{{0x1.fffffffffffff8p1023}}')).toBe('1: illegal number syntax: "0x1.fffffffffffff8p1023"');
    expect(argument<NumberNode>('{{0x1.fffffffffffffp1023}}').float64).toBe(Number.MAX_VALUE);
  });

  test('define and block go to defines; template calls keep their pipeline', () => {
    const result = parse('{{define "a"}}A{{end}}{{block "b" .x}}B{{end}}{{template "a"}}');
    if (!result.ok) throw new Error(result.error.message);
    expect(Object.keys(result.defines).sort()).toEqual(['a', 'b']);
    expect(formatNode(result.defines.a)).toBe('A');
    expect(formatNode(result.defines.b)).toBe('B');
    const [block, call] = result.tree.nodes as TemplateNode[];
    expect(block).toMatchObject({ type: 'Template', name: 'b', pipe: { type: 'Pipe' } });
    expect(call).toMatchObject({ type: 'Template', name: 'a', pipe: undefined });
    expect(formatNode(result.tree)).toBe('{{template "b" .x}}{{template "a"}}');
    expect(Object.getPrototypeOf(result.defines)).toBeNull();
  });

  test('a define of the template itself replaces an empty top level', () => {
    const result = parse('{{define "t"}}body{{end}}\n');
    expect(result.ok && formatNode(result.tree)).toBe('body');
    const named = parseGoTemplate('{{define "t"}}body{{end}}x', NOTIFICATIONS_TEMPLATE_FUNCS, { name: 'other' });
    expect(named.ok && named.defines.t && formatNode(named.tree)).toBe('x');
  });

  test('only Go spaces count as empty', () => {
    // U+0085 is a space to Go, U+FEFF is not.
    expect(parse('\u0085{{define "t"}}x{{end}}').ok).toBe(true);
    expect(failure('\ufeff{{define "t"}}x{{end}}')).toBe('1: template: multiple definition of template "t"');
  });

  test('break and continue', () => {
    const range = first<RangeNode>('{{range .}}{{break}}{{continue}}{{end}}');
    expect(range.list.nodes.map(n => n.type)).toEqual(['Break', 'Continue']);
    expect(formatNode(range)).toBe('{{range .}}{{break}}{{continue}}{{end}}');
  });

  test('comments are kept unless asked not to', () => {
    const text = 'a{{/* c */}}b';
    expect(tree(text).nodes.map(n => n.type)).toEqual(['Text', 'Comment', 'Text']);
    expect(formatNode(tree(text))).toBe(text);
    const result = parseGoTemplate(text, NOTIFICATIONS_TEMPLATE_FUNCS, { parseComments: false });
    expect(result.ok && result.tree.nodes.map(n => n.type)).toEqual(['Text', 'Text']);
  });

  test('trim markers trim the text around them', () => {
    expect(tree('a \n {{- .x -}} \n b').nodes.map(n => formatNode(n))).toEqual(['a', '{{.x}}', 'b']);
    expect(tree('a {{- /* c */ -}} b').nodes.map(n => formatNode(n))).toEqual(['a', '{{/* c */}}', 'b']);
  });
});

describe('positions', () => {
  test('are offsets with 1-based lines and columns', () => {
    const result = parse('a\n  {{ .b }}\n\t{{ bogus }}');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toEqual({ message: 'function "bogus" not defined', position: { offset: 17, line: 3, column: 5 } });
    const action = tree('a\n  {{ .b }}').nodes[1] as ActionNode;
    expect(action.position).toEqual({ offset: 7, line: 2, column: 6 });
  });

  test('count UTF-16 code units', () => {
    const result = parse('é😀{{ bogus }}');
    expect(!result.ok && result.error.position).toEqual({ offset: 6, line: 1, column: 7 });
  });

  test('text after trimmed spaces starts after them', () => {
    const text = tree('{{.a -}}\n\n  x').nodes[1];
    expect(text).toMatchObject({ type: 'Text', text: 'x', position: { offset: 12, line: 3, column: 3 } });
  });

  test('an error is reported on the line of the token Go read last', () => {
    expect(failure('{{ if $x\n.a }}{{ end }}')).toBe('2: undefined variable "$x"');
    expect(failure('{{block "b" .}}x\n{{else}}{{end}}')).toBe('1: unexpected {{else}} in block clause');
  });
});

describe('options', () => {
  test('name appears where Go names the template', () => {
    const result = parseGoTemplate('{{ .a\n', new Set(), { name: 'app-deployed' });
    expect(!result.ok && result.error.message).toBe('unclosed action started at app-deployed:1');
  });

  test('builtins are always defined; funcs add to them', () => {
    expect(parse('{{ printf "%s" (len .a) }}', new Set()).ok).toBe(true);
    expect(failure('{{ toJson . }}', new Set())).toBe('1: function "toJson" not defined');
    expect(parse('{{ mine . }}', new Set(['mine'])).ok).toBe(true);
  });

  test('skipFuncCheck accepts any function name', () => {
    expect(parseGoTemplate('{{ bogus . }}', new Set(), { skipFuncCheck: true }).ok).toBe(true);
  });

  test('a function named break or continue makes the word an identifier', () => {
    const result = parseGoTemplate('{{ break }}{{ continue }}', new Set(['break', 'continue']));
    expect(result.ok && result.tree.nodes.map(n => formatNode(n))).toEqual(['{{break}}', '{{continue}}']);
    expect(result.ok && result.tree.nodes[0].type).toBe('Action');
  });

  test('expressions nest at most maxExpressionDepth deep', () => {
    expect(GO_MAX_EXPRESSION_DEPTH).toBe(10000);
    const options = { maxExpressionDepth: 2 };
    expect(parseGoTemplate('{{ ((1)) }}', new Set(), options).ok).toBe(true);
    const result = parseGoTemplate('{{ (((1))) }}', new Set(), options);
    expect(!result.ok && result.error.message).toBe('max expression depth exceeded');
  });

  test('a pipeline has at most maxPipelineCommands commands', () => {
    expect(GO_MAX_PIPELINE_COMMANDS).toBe(100000);
    const options = { maxPipelineCommands: 2 };
    expect(parseGoTemplate('{{ 1 | print }}', new Set(), options).ok).toBe(true);
    const result = parseGoTemplate('{{ 1 | print | print }}', new Set(), options);
    expect(!result.ok && result.error.message).toBe('pipeline too long');
  });

  test('nesting beyond what the JavaScript stack holds is reported, not thrown', () => {
    // Go accepts this; its stack grows far beyond Node's.
    const result = parse('{{if 1}}'.repeat(20000) + '{{end}}'.repeat(20000));
    expect(!result.ok && result.error.message).toBe('template nests too deeply to check');
  });

  test('other exceptions are not swallowed', () => {
    expect(() => parseGoTemplate('{{ (1) }}', new Set(), { maxExpressionDepth: Symbol('bad') as unknown as number })).toThrow(TypeError);
  });
});

describe('walk', () => {
  test('visits every node in source order', () => {
    const types: string[] = [];
    walk(tree('{{with $x := .a}}{{template "t" (.b).c}}{{else}}{{$x}}{{end}}{{template "u"}}'), node => {
      types.push(node.type);
    });
    expect(types).toEqual([
      'List', 'With', 'Pipe', 'Variable', 'Command', 'Field', 'List', 'Template', 'Pipe', 'Command', 'Chain', 'Pipe',
      'Command', 'Field', 'List', 'Action', 'Pipe', 'Command', 'Variable', 'Template',
    ]);
  });

  test('passes the parent and skips children when told', () => {
    const seen: Array<[string, string | undefined]> = [];
    walk(tree('{{if .a}}{{.b}}{{end}}x'), (node, parent) => {
      seen.push([node.type, parent?.type]);
      return node.type !== 'If';
    });
    expect(seen).toEqual([['List', undefined], ['If', 'List'], ['Text', 'List']]);
  });
});

describe('formatNode', () => {
  test('writes every kind of node as Go does', () => {
    const text = '{{/* c */}}{{range $i, $v := .}}{{break}}{{continue}}{{else}}{{nil}}{{end}}{{with .a}}{{.}}{{end}}'
      + '{{template "x" $.a}}{{(1).x | printf "%v" true false \'c\' `r`}}';
    expect(formatNode(tree(text))).toBe(text);
  });
});

describe('the lexer', () => {
  test('splits an action into items', () => {
    const lexer = new Lexer('a {{- .b | c "d" -}} e');
    const items = [];
    for (let item = lexer.nextItem(); item.type !== ItemType.EOF; item = lexer.nextItem()) items.push([ItemType[item.type], item.val]);
    expect(items).toEqual([
      ['Text', 'a'], ['LeftDelim', '{{'], ['Field', '.b'], ['Space', ' '], ['Pipe', '|'], ['Space', ' '],
      ['Identifier', 'c'], ['Space', ' '], ['String', '"d"'], ['RightDelim', '}}'], ['Text', 'e'],
    ]);
    // After the end, and after an error, only EOF.
    expect(ItemType[lexer.nextItem().type]).toBe('EOF');
  });

  test('stops at the first error', () => {
    const lexer = new Lexer('{{ € }}');
    expect(ItemType[lexer.nextItem().type]).toBe('LeftDelim');
    expect(ItemType[lexer.nextItem().type]).toBe('Space');
    expect(lexer.nextItem()).toMatchObject({ type: ItemType.Error, val: "unrecognized character in action: U+20AC '€'", pos: 3 });
  });

  test('reads a lone surrogate as U+FFFD, as Go receives it', () => {
    expect(failure('{{ \ud800 }}')).toBe("1: unrecognized character in action: U+FFFD '\ufffd'");
    expect(failure('{{ .a\udc00 }}')).toBe("1: bad character U+FFFD '\ufffd'");
    expect(formatNode(tree('x\ud800y'))).toBe('x\ud800y');
  });

  test('takes Unicode letters and decimal digits in names', () => {
    expect(argument('{{ .é٣ }}')).toMatchObject({ type: 'Field', ident: ['é٣'] });
    expect(failure('{{ .a² }}')).toBe("1: bad character U+00B2 '²'");
  });

  test('describes items as Go does', () => {
    const item = (type: ItemType, val: string) => itemString({ type, pos: 0, val, line: 1 });
    expect(item(ItemType.EOF, '')).toBe('EOF');
    expect(item(ItemType.Error, 'oops')).toBe('oops');
    expect(item(ItemType.If, 'if')).toBe('<if>');
    expect(item(ItemType.Identifier, 'abc')).toBe('"abc"');
    expect(item(ItemType.String, '"0123456789"')).toBe('"\\"012345678"...');
    // Go counts bytes but cuts runes.
    expect(item(ItemType.String, 'éééééé')).toBe('"éééééé"...');
    expect(item(ItemType.String, 'ééééé')).toBe('"ééééé"');
  });

  test('quotes strings as Go does', () => {
    expect(goQuote('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(goQuote('\x07\b\f\n\r\t\v')).toBe('"\\a\\b\\f\\n\\r\\t\\v"');
    expect(goQuote('\x01\x7f')).toBe('"\\x01\\x7f"');
    expect(goQuote('\u00a0\u00ad')).toBe('"\\u00a0\\u00ad"');
    expect(goQuote('\u{e0001}')).toBe('"\\U000e0001"');
    expect(goQuote('é😀 ')).toBe('"é😀 "');
    expect(utf8Length('aé€😀')).toBe(10);
  });

  test('formats runes as Go does', () => {
    expect(formatRune(0x78)).toBe("U+0078 'x'");
    expect(formatRune(0)).toBe('U+0000');
    expect(formatRune(0x1f600)).toBe("U+1F600 '😀'");
  });
});

describe('the function tables', () => {
  test("Go's builtins", () => {
    expect([...GO_TEMPLATE_BUILTINS].sort()).toEqual(
      ['and', 'call', 'eq', 'ge', 'gt', 'html', 'index', 'js', 'le', 'len', 'lt', 'ne', 'not', 'or', 'print', 'printf', 'println', 'slice', 'urlquery'],
    );
  });

  test('sprig v3.3.0', () => {
    expect(SPRIG_TXT_FUNCS.size).toBe(211);
    for (const name of ['dig', 'default', 'toJson', 'trunc', 'env', 'expandenv', 'getHostByName', 'sha512sum']) {
      expect(SPRIG_TXT_FUNCS.has(name)).toBe(true);
    }
    expect([...SPRIG_FUNCS_SINCE_3_3_0]).toEqual(['sha512sum']);
    // Helm's additions are not sprig's.
    for (const name of ['include', 'tpl', 'required', 'toYaml', 'lookup']) expect(SPRIG_TXT_FUNCS.has(name)).toBe(false);
  });

  test('notifications: sprig without env and expandenv, plus builtins', () => {
    expect(NOTIFICATIONS_TEMPLATE_FUNCS.size).toBe(SPRIG_TXT_FUNCS.size - 2 + [...GO_TEMPLATE_BUILTINS].filter(f => !SPRIG_TXT_FUNCS.has(f)).length);
    expect(NOTIFICATIONS_TEMPLATE_FUNCS.has('env')).toBe(false);
    expect(NOTIFICATIONS_TEMPLATE_FUNCS.has('expandenv')).toBe(false);
    expect(NOTIFICATIONS_TEMPLATE_FUNCS.has('getHostByName')).toBe(true);
    expect(NOTIFICATIONS_TEMPLATE_FUNCS.has('printf')).toBe(true);
    expect([...NOTIFICATIONS_SLACK_TEMPLATE_FUNCS].some(f => NOTIFICATIONS_TEMPLATE_FUNCS.has(f))).toBe(false);
  });

  test('ApplicationSets: sprig without env, expandenv and getHostByName, plus their own', () => {
    for (const name of ['env', 'expandenv', 'getHostByName']) expect(APPLICATIONSET_TEMPLATE_FUNCS.has(name)).toBe(false);
    for (const name of ['normalize', 'slugify', 'toYaml', 'fromYaml', 'fromYamlArray', 'dig', 'index']) {
      expect(APPLICATIONSET_TEMPLATE_FUNCS.has(name)).toBe(true);
    }
    expect([...APPLICATIONSET_GO_TEMPLATE_OPTIONS]).toContain('missingkey=error');
  });
});

describe('fasttemplate', () => {
  test('finds tags between "{{" and the next "}}", untrimmed', () => {
    expect(fasttemplateTags('{{ path.basename }}-{{path[0]}}')).toEqual([
      { tag: ' path.basename ', offset: 0 },
      { tag: 'path[0]', offset: 20 },
    ]);
    expect(fasttemplateTags('a {{ b\nc }} {{ {{d}}')).toEqual([{ tag: ' b\nc ', offset: 2 }, { tag: ' {{d', offset: 12 }]);
    expect(fasttemplateTags('no tags')).toEqual([]);
    expect(fasttemplateTags('{{a}} {{b')).toEqual([{ tag: 'a', offset: 0 }]);
  });

  test('templates only text with "{{" and "}}" on one line', () => {
    expect(isFasttemplateTemplated('x {{a}} y')).toBe(true);
    expect(isFasttemplateTemplated('{{}}')).toBe(true);
    expect(isFasttemplateTemplated('{{a\n}}')).toBe(false);
    expect(isFasttemplateTemplated('{{ a')).toBe(false);
    expect(isFasttemplateTemplated('line\n{{a}}')).toBe(true);
  });

  test('rejects an unclosed tag in templated text with its message', () => {
    expect(fasttemplateError('{{a}}')).toBeUndefined();
    expect(fasttemplateError('{{ a')).toBeUndefined();
    expect(fasttemplateError('{{a}} {{b')).toBe('Cannot find end tag="}}" in the template="{{a}} {{b" starting from "b"');
    expect(fasttemplateError('x\n{{a}}\n{{')).toBe('Cannot find end tag="}}" in the template="x\\n{{a}}\\n{{" starting from ""');
  });
});
