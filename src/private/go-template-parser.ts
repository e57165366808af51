/**
 * A port of Go's text/template parser (src/text/template/parse/parse.go and
 * node.go), so that templates can be checked here exactly as Argo CD checks
 * them when it loads them: the same templates are accepted, the same are
 * rejected, with the same error messages and line numbers.
 *
 * It follows the current Go source, which differs from older releases only
 * as follows (the releases are those that first shipped each change):
 *
 *  - Go 1.18: `{{break}}` and `{{continue}}` inside `{{range}}`.
 *  - Go 1.20: a stray ")" is reported as "unexpected right paren" (the lexer
 *    rewrite); Go 1.19 said `unexpected ")" in command` (or "in operand").
 *  - Go 1.23: `{{else with ...}}` chains, like `{{else if ...}}`.
 *  - Go 1.25: parenthesised expressions nest at most 10000 deep ("max
 *    expression depth exceeded", golang/go#71201).
 *  - Go 1.26: a pipeline has at most 100000 commands ("pipeline too long",
 *    golang/go#75231).
 *
 * Ranging over an integer (Go 1.22) or an iterator function (Go 1.23) is a
 * matter of execution, not parsing: `{{range 5}}` has always parsed.
 *
 * One limit is this port's own: JavaScript's stack holds a couple of
 * thousand levels of nesting, where Go's grows to a gigabyte. Deeper
 * templates are reported as "template nests too deeply to check".
 *
 * Like text/template's Template.Parse, the builtin functions (`and`, `len`,
 * `printf`, ...) are always defined; `funcs` adds to them. An identifier that
 * is in neither is an error, "function %q not defined".
 *
 * Positions are offsets into the JavaScript string and 1-based lines and
 * columns (in UTF-16 code units). Nodes sit where Go puts them, quirks
 * included: `.a.b` is one field node positioned at `.b`, where Go starts the
 * chain, and an `if`, `range` or `with` node is positioned at its pipeline.
 */
import { Item, ItemType, Lexer, LEFT_DELIM, RIGHT_DELIM, goQuote, itemString, runeAt } from './go-template-lexer';
import { lastAtOrBefore } from './sorted';
import { GO_TEMPLATE_BUILTINS } from './template-functions';

/** A place in the template text. */
export interface TemplatePosition {
  /** Offset in the text, in UTF-16 code units. */
  readonly offset: number;
  /** 1-based line. */
  readonly line: number;
  /** 1-based column, in UTF-16 code units. */
  readonly column: number;
}

/** Why a template failed to parse. */
export interface TemplateParseError {
  /** Go's message, without its "template: NAME:LINE: " prefix. */
  readonly message: string;
  /** Where Go was when it failed; `line` is the line Go reports. */
  readonly position: TemplatePosition;
}

export type TemplateParseResult =
  | { readonly ok: true; readonly tree: ListNode; readonly defines: Record<string, ListNode> }
  | { readonly ok: false; readonly error: TemplateParseError };

export interface ParseGoTemplateOptions {
  /** The template's name, which Go puts in some messages ("... started at NAME:3"). Default "t". */
  readonly name?: string;
  /** Do not check that functions are defined (Go's parse.SkipFuncCheck). Default false. */
  readonly skipFuncCheck?: boolean;
  /**
   * Keep comments as CommentNodes (Go's parse.ParseComments). Default true.
   * text/template drops them; what parses is the same either way.
   */
  readonly parseComments?: boolean;
  /** Go's maxStackDepth: how deep parentheses may nest. Default 10000. */
  readonly maxExpressionDepth?: number;
  /** Go's maxPipelineCmds: how many commands a pipeline may have. Default 100000. */
  readonly maxPipelineCommands?: number;
}

/** The nesting limit for parenthesised expressions (Go 1.25+). */
export const GO_MAX_EXPRESSION_DEPTH = 10000;
/** The limit on commands in one pipeline (Go 1.26+). */
export const GO_MAX_PIPELINE_COMMANDS = 100000;

// The node model, mirroring Go's parse package.

interface NodeBase<T extends string> {
  readonly type: T;
  readonly position: TemplatePosition;
}

/** A sequence of nodes. */
export interface ListNode extends NodeBase<'List'> {
  readonly nodes: Node[];
}

/** Plain text. */
export interface TextNode extends NodeBase<'Text'> {
  readonly text: string;
}

/** A comment, including its "/*" and "*\/". */
export interface CommentNode extends NodeBase<'Comment'> {
  readonly text: string;
}

/** An action that is not a control structure, such as `{{.a | f}}`. */
export interface ActionNode extends NodeBase<'Action'> {
  readonly pipe: PipeNode;
}

/** A pipeline, with the variables it declares (`:=`) or assigns (`=`). */
export interface PipeNode extends NodeBase<'Pipe'> {
  readonly isAssign: boolean;
  readonly decl: VariableNode[];
  readonly cmds: CommandNode[];
}

/** One command of a pipeline: a function or value and its arguments. */
export interface CommandNode extends NodeBase<'Command'> {
  readonly args: ArgumentNode[];
}

/** What a command's arguments can be; a PipeNode is a parenthesised pipeline. */
export type ArgumentNode =
  | BoolNode
  | ChainNode
  | DotNode
  | FieldNode
  | IdentifierNode
  | NilNode
  | NumberNode
  | PipeNode
  | StringNode
  | VariableNode;

/** A field of dot, such as `.a.b` (ident ["a", "b"]). */
export interface FieldNode extends NodeBase<'Field'> {
  readonly ident: string[];
}

/** Fields of something other than dot or a variable, such as `(f).a`. */
export interface ChainNode extends NodeBase<'Chain'> {
  readonly node: ArgumentNode;
  readonly field: string[];
}

/** A variable and its fields, such as `$x.a` (ident ["$x", "a"]). */
export interface VariableNode extends NodeBase<'Variable'> {
  readonly ident: string[];
}

/** A function name. */
export interface IdentifierNode extends NodeBase<'Identifier'> {
  readonly ident: string;
}

/** The cursor, `.`. */
export type DotNode = NodeBase<'Dot'>;

/** The untyped `nil`. */
export type NilNode = NodeBase<'Nil'>;

/** `true` or `false`. */
export interface BoolNode extends NodeBase<'Bool'> {
  readonly value: boolean;
}

/** A number or character constant, under every type that can represent it. */
export interface NumberNode extends NodeBase<'Number'> {
  /** The text as written. */
  readonly text: string;
  readonly isInt: boolean;
  readonly isUint: boolean;
  readonly isFloat: boolean;
  readonly isComplex: boolean;
  readonly int64?: bigint;
  readonly uint64?: bigint;
  readonly float64?: number;
  readonly complex?: { readonly real: number; readonly imag: number };
}

/** A string constant. */
export interface StringNode extends NodeBase<'String'> {
  /** The text as written, quotes included. */
  readonly quoted: string;
  /** The value, after unquoting. */
  readonly text: string;
}

interface BranchFields {
  readonly pipe: PipeNode;
  readonly list: ListNode;
  /** The `{{else}}` part; `{{else if}}` and `{{else with}}` nest another branch in it. */
  readonly elseList?: ListNode;
}

export interface IfNode extends NodeBase<'If'>, BranchFields {}
export interface RangeNode extends NodeBase<'Range'>, BranchFields {}
export interface WithNode extends NodeBase<'With'>, BranchFields {}

/** `{{template "name" pipeline}}`; a `{{block}}` becomes one too. */
export interface TemplateNode extends NodeBase<'Template'> {
  readonly name: string;
  readonly pipe?: PipeNode;
}

export type BreakNode = NodeBase<'Break'>;
export type ContinueNode = NodeBase<'Continue'>;

export type Node =
  | ActionNode
  | BoolNode
  | BreakNode
  | ChainNode
  | CommandNode
  | CommentNode
  | ContinueNode
  | DotNode
  | FieldNode
  | IdentifierNode
  | IfNode
  | ListNode
  | NilNode
  | NumberNode
  | PipeNode
  | RangeNode
  | StringNode
  | TemplateNode
  | TextNode
  | VariableNode
  | WithNode;

/**
 * Visits `node` and its descendants depth-first, in source order. Returning
 * false from `visit` skips the node's children.
 */
export function walk(node: Node, visit: (node: Node, parent: Node | undefined) => boolean | void, parent?: Node): void {
  if (visit(node, parent) === false) return;
  for (const child of children(node)) walk(child, visit, node);
}

function children(node: Node): Node[] {
  switch (node.type) {
    case 'List':
      return node.nodes;
    case 'Action':
      return [node.pipe];
    case 'Pipe':
      return [...node.decl, ...node.cmds];
    case 'Command':
      return node.args;
    case 'Chain':
      return [node.node];
    case 'If':
    case 'Range':
    case 'With':
      return node.elseList ? [node.pipe, node.list, node.elseList] : [node.pipe, node.list];
    case 'Template':
      return node.pipe ? [node.pipe] : [];
    default:
      return [];
  }
}

/** The node as Go's String() writes it: template text that parses to the same tree. */
export function formatNode(node: Node): string {
  switch (node.type) {
    case 'List':
      return node.nodes.map(formatNode).join('');
    case 'Text':
      return node.text;
    case 'Comment':
      return LEFT_DELIM + node.text + RIGHT_DELIM;
    case 'Action':
      return LEFT_DELIM + formatNode(node.pipe) + RIGHT_DELIM;
    case 'Pipe': {
      const decl = node.decl.length > 0 ? node.decl.map(formatNode).join(', ') + (node.isAssign ? ' = ' : ' := ') : '';
      return decl + node.cmds.map(formatNode).join(' | ');
    }
    case 'Command':
      return node.args.map(arg => (arg.type === 'Pipe' ? `(${formatNode(arg)})` : formatNode(arg))).join(' ');
    case 'Chain':
      return (node.node.type === 'Pipe' ? `(${formatNode(node.node)})` : formatNode(node.node)) + node.field.map(f => `.${f}`).join('');
    case 'Field':
      return node.ident.map(f => `.${f}`).join('');
    case 'Variable':
      return node.ident.join('.');
    case 'Identifier':
      return node.ident;
    case 'Dot':
      return '.';
    case 'Nil':
      return 'nil';
    case 'Bool':
      return node.value ? 'true' : 'false';
    case 'Number':
      return node.text;
    case 'String':
      return node.quoted;
    case 'If':
    case 'Range':
    case 'With': {
      const elsePart = node.elseList ? `${LEFT_DELIM}else${RIGHT_DELIM}${formatNode(node.elseList)}` : '';
      return `${LEFT_DELIM}${node.type.toLowerCase()} ${formatNode(node.pipe)}${RIGHT_DELIM}${formatNode(node.list)}${elsePart}${LEFT_DELIM}end${RIGHT_DELIM}`;
    }
    case 'Template':
      return `${LEFT_DELIM}template ${goQuote(node.name)}${node.pipe ? ` ${formatNode(node.pipe)}` : ''}${RIGHT_DELIM}`;
    case 'Break':
      return `${LEFT_DELIM}break${RIGHT_DELIM}`;
    case 'Continue':
      return `${LEFT_DELIM}continue${RIGHT_DELIM}`;
  }
}

/**
 * Parses `text` as Go's `template.New(name).Funcs(funcs).Parse(text)` would.
 * On success, `tree` is what Go would execute as the named template (a
 * `{{define}}` of the same name replaces a top level of only spaces and
 * comments) and `defines` holds every other `{{define}}` and `{{block}}`.
 */
export function parseGoTemplate(text: string, funcs: ReadonlySet<string>, options: ParseGoTemplateOptions = {}): TemplateParseResult {
  const name = options.name ?? 't';
  const context: ParseContext = {
    parseName: name,
    lexer: new Lexer(text),
    lines: new LineIndex(text),
    funcs: new Set([...GO_TEMPLATE_BUILTINS, ...funcs]),
    treeSet: new Map(),
    skipFuncCheck: options.skipFuncCheck ?? false,
    maxExpressionDepth: options.maxExpressionDepth ?? GO_MAX_EXPRESSION_DEPTH,
    maxPipelineCommands: options.maxPipelineCommands ?? GO_MAX_PIPELINE_COMMANDS,
  };
  context.lexer.options = {
    emitComment: options.parseComments ?? true,
    breakOK: !context.funcs.has('break'),
    continueOK: !context.funcs.has('continue'),
  };
  const top = new Tree(name, context);
  try {
    top.parse();
    top.add();
  } catch (e) {
    if (e instanceof TemplateSyntaxError) {
      return { ok: false, error: { message: e.message, position: context.lines.position(e.at) } };
    }
    if (e instanceof RangeError) {
      // Go's stack grows to a gigabyte; this one does not. Say so rather than crash.
      return { ok: false, error: { message: 'template nests too deeply to check', position: context.lines.position(context.lexer.start) } };
    }
    throw e;
  }
  const defines: Record<string, ListNode> = Object.create(null);
  for (const [treeName, tree] of context.treeSet) {
    if (treeName !== name) defines[treeName] = tree.root;
  }
  return { ok: true, tree: context.treeSet.get(name)!.root, defines };
}

// The parser.

interface ParseContext {
  readonly parseName: string;
  readonly lexer: Lexer;
  readonly lines: LineIndex;
  readonly funcs: ReadonlySet<string>;
  readonly treeSet: Map<string, Tree>;
  readonly skipFuncCheck: boolean;
  readonly maxExpressionDepth: number;
  readonly maxPipelineCommands: number;
}

/** A parse failure: Go's message and the offset of the token Go last read. */
class TemplateSyntaxError extends Error {
  constructor(message: string, readonly at: number) {
    super(message);
  }
}

/** {{end}} and {{else}} end item lists; they never reach the tree. */
interface EndMarker {
  readonly type: 'end';
}
interface ElseMarker {
  readonly type: 'else';
  readonly pos: number;
}
type Parsed = Node | EndMarker | ElseMarker;

function markerString(marker: EndMarker | ElseMarker): string {
  return LEFT_DELIM + marker.type + RIGHT_DELIM;
}

interface MutableList {
  type: 'List';
  position: TemplatePosition;
  nodes: Node[];
}

interface MutablePipe {
  type: 'Pipe';
  position: TemplatePosition;
  isAssign: boolean;
  decl: VariableNode[];
  cmds: CommandNode[];
}

const NO_ITEM: Item = { type: ItemType.EOF, pos: 0, val: '', line: 0 };

/**
 * One template being parsed: the top level, a {{define}} or a {{block}}. Like
 * Go's Tree, each has its own three-token lookahead and variables, and they
 * share the lexer; error lines come from the token this tree read last.
 */
class Tree {
  public root: ListNode = { type: 'List', position: { offset: 0, line: 1, column: 1 }, nodes: [] };
  private readonly token: Item[] = [NO_ITEM, NO_ITEM, NO_ITEM];
  private peekCount = 0;
  private readonly vars: string[] = ['$'];
  private actionLine = 0;
  private rangeDepth = 0;
  private stackDepth = 0;

  constructor(public name: string, private readonly ctx: ParseContext) {}

  /** Parses the top level, which alone may contain {{define}}. */
  public parse(): void {
    const root = this.newList(this.peek().pos);
    this.root = root;
    while (this.peek().type !== ItemType.EOF) {
      if (this.peek().type === ItemType.LeftDelim) {
        const delim = this.next();
        if (this.nextNonSpace().type === ItemType.Define) {
          new Tree('definition', this.ctx).parseDefinition();
          continue;
        }
        this.backup2(delim);
      }
      const n = this.textOrAction();
      if (n.type === 'end' || n.type === 'else') this.errorf(`unexpected ${markerString(n)}`);
      root.nodes.push(n);
    }
  }

  /** Adds this tree to the set; a non-empty template may be defined only once. */
  public add(): void {
    const tree = this.ctx.treeSet.get(this.name);
    if (!tree || isEmptyTree(tree.root)) {
      this.ctx.treeSet.set(this.name, this);
      return;
    }
    if (!isEmptyTree(this.root)) this.errorf(`template: multiple definition of template ${goQuote(this.name)}`);
  }

  /** {{define "name"}} ... {{end}}; "define" has been read. */
  private parseDefinition(): void {
    const context = 'define clause';
    const name = this.expectOneOf(ItemType.String, ItemType.RawString, context);
    this.name = this.unquote(name.val);
    this.expect(ItemType.RightDelim, context);
    const [root, end] = this.itemList();
    this.root = root;
    if (end.type !== 'end') this.errorf(`unexpected ${markerString(end)} in ${context}`);
    this.add();
  }

  // Token lookahead, exactly as Go's.

  private next(): Item {
    if (this.peekCount > 0) {
      this.peekCount--;
    } else {
      this.token[0] = this.ctx.lexer.nextItem();
    }
    return this.token[this.peekCount];
  }

  private backup(): void {
    this.peekCount++;
  }

  /** Backs up two tokens; the zeroth is already there. */
  private backup2(t1: Item): void {
    this.token[1] = t1;
    this.peekCount = 2;
  }

  /** Backs up three tokens; the zeroth is already there. */
  private backup3(t2: Item, t1: Item): void {
    this.token[1] = t1;
    this.token[2] = t2;
    this.peekCount = 3;
  }

  private peek(): Item {
    if (this.peekCount > 0) return this.token[this.peekCount - 1];
    this.peekCount = 1;
    this.token[0] = this.ctx.lexer.nextItem();
    return this.token[0];
  }

  private nextNonSpace(): Item {
    let token: Item;
    do {
      token = this.next();
    } while (token.type === ItemType.Space);
    return token;
  }

  private peekNonSpace(): Item {
    const token = this.nextNonSpace();
    this.backup();
    return token;
  }

  // Errors. Go reports the line of the token it read last, token[0].

  private errorf(message: string): never {
    throw new TemplateSyntaxError(message, this.token[0].pos);
  }

  private expect(expected: ItemType, context: string): Item {
    const token = this.nextNonSpace();
    if (token.type !== expected) this.unexpected(token, context);
    return token;
  }

  private expectOneOf(expected1: ItemType, expected2: ItemType, context: string): Item {
    const token = this.nextNonSpace();
    if (token.type !== expected1 && token.type !== expected2) this.unexpected(token, context);
    return token;
  }

  private unexpected(token: Item, context: string): never {
    if (token.type === ItemType.Error) {
      let extra = '';
      if (this.actionLine !== 0 && this.actionLine !== token.line) {
        extra = ` in action started at ${this.ctx.parseName}:${this.actionLine}`;
        // Avoid "action in action".
        if (token.val.endsWith(' action')) extra = extra.slice(' in action'.length);
      }
      this.errorf(`${itemString(token)}${extra}`);
    }
    this.errorf(`unexpected ${itemString(token)} in ${context}`);
  }

  // The grammar.

  /** itemList: textOrAction*, ended by {{end}} or {{else}}, which is returned too. */
  private itemList(): [ListNode, EndMarker | ElseMarker] {
    const list = this.newList(this.peekNonSpace().pos);
    while (this.peekNonSpace().type !== ItemType.EOF) {
      const n = this.textOrAction();
      if (n.type === 'end' || n.type === 'else') return [list, n];
      list.nodes.push(n);
    }
    return this.errorf('unexpected EOF');
  }

  /** textOrAction: text | comment | action. */
  private textOrAction(): Parsed {
    const token = this.nextNonSpace();
    switch (token.type) {
      case ItemType.Text:
        return { type: 'Text', position: this.position(token.pos), text: token.val };
      case ItemType.LeftDelim:
        this.actionLine = token.line;
        try {
          return this.action();
        } finally {
          this.actionLine = 0;
        }
      case ItemType.Comment:
        return { type: 'Comment', position: this.position(token.pos), text: token.val };
      default:
        return this.unexpected(token, 'input');
    }
  }

  /** action: control | command ("|" command)*. The left delimiter has been read. */
  private action(): Parsed {
    const token = this.nextNonSpace();
    switch (token.type) {
      case ItemType.Block:
        return this.blockControl();
      case ItemType.Break:
        return this.loopControl('Break', token.pos);
      case ItemType.Continue:
        return this.loopControl('Continue', token.pos);
      case ItemType.Else:
        return this.elseControl();
      case ItemType.End:
        return this.endControl();
      case ItemType.If:
        return this.ifControl();
      case ItemType.Range:
        return this.branchControl('Range');
      case ItemType.Template:
        return this.templateControl();
      case ItemType.With:
        return this.withControl();
    }
    this.backup();
    const start = this.peek();
    // Variables declared here persist until the enclosing "end".
    return { type: 'Action', position: this.position(start.pos), pipe: this.pipeline('command', ItemType.RightDelim) };
  }

  /** {{break}} or {{continue}}, only inside {{range}}. */
  private loopControl(type: 'Break' | 'Continue', pos: number): BreakNode | ContinueNode {
    const name = `{{${type.toLowerCase()}}}`;
    const token = this.nextNonSpace();
    if (token.type !== ItemType.RightDelim) this.unexpected(token, name);
    if (this.rangeDepth === 0) this.errorf(`${name} outside {{range}}`);
    return { type, position: this.position(pos) };
  }

  /** pipeline: declarations? command ("|" command)*. */
  private pipeline(context: string, end: ItemType): PipeNode {
    const pipe: MutablePipe = { type: 'Pipe', position: this.position(this.peekNonSpace().pos), isAssign: false, decl: [], cmds: [] };
    // Declarations or assignments? "$x foo" needs three tokens of lookahead
    // to tell a declaration from an argument, because space is a token.
    for (;;) {
      const v = this.peekNonSpace();
      if (v.type !== ItemType.Variable) break;
      this.next();
      const tokenAfterVariable = this.peek();
      const next = this.peekNonSpace();
      if (next.type === ItemType.Assign || next.type === ItemType.Declare) {
        pipe.isAssign = next.type === ItemType.Assign;
        this.nextNonSpace();
        pipe.decl.push(this.newVariable(v.pos, v.val));
        this.vars.push(v.val);
      } else if (next.type === ItemType.Char && next.val === ',') {
        this.nextNonSpace();
        pipe.decl.push(this.newVariable(v.pos, v.val));
        this.vars.push(v.val);
        if (context === 'range' && pipe.decl.length < 2) {
          const after = this.peekNonSpace().type;
          // The second variable of "range $i, $v := ...".
          if (after === ItemType.Variable || after === ItemType.RightDelim || after === ItemType.RightParen) continue;
          this.errorf('range can only initialize variables');
        }
        this.errorf(`too many declarations in ${context}`);
      } else if (tokenAfterVariable.type === ItemType.Space) {
        this.backup3(v, tokenAfterVariable);
      } else {
        this.backup2(v);
      }
      break;
    }
    for (;;) {
      const token = this.nextNonSpace();
      if (token.type === end) {
        this.checkPipeline(pipe, context);
        return pipe;
      }
      switch (token.type) {
        case ItemType.Bool:
        case ItemType.CharConstant:
        case ItemType.Complex:
        case ItemType.Dot:
        case ItemType.Field:
        case ItemType.Identifier:
        case ItemType.Number:
        case ItemType.Nil:
        case ItemType.RawString:
        case ItemType.String:
        case ItemType.Variable:
        case ItemType.LeftParen:
          this.backup();
          pipe.cmds.push(this.command());
          if (pipe.cmds.length > this.ctx.maxPipelineCommands) this.errorf('pipeline too long');
          break;
        default:
          this.unexpected(token, context);
      }
    }
  }

  private checkPipeline(pipe: PipeNode, context: string): void {
    if (pipe.cmds.length === 0) this.errorf(`missing value for ${context}`);
    // Only the first command of a pipeline can start with a non-executable operand.
    for (let i = 1; i < pipe.cmds.length; i++) {
      switch (pipe.cmds[i].args[0].type) {
        case 'Bool':
        case 'Dot':
        case 'Nil':
        case 'Number':
        case 'String':
          this.errorf(`non executable command in pipeline stage ${i + 1}`);
      }
    }
  }

  /** The common part of if, range and with; pops the variables they declare. */
  private parseControl(context: 'if' | 'range' | 'with'): BranchFields & { readonly position: TemplatePosition } {
    const varCount = this.vars.length;
    try {
      const pipe = this.pipeline(context, ItemType.RightDelim);
      if (context === 'range') this.rangeDepth++;
      const [list, next] = this.itemList();
      if (context === 'range') this.rangeDepth--;
      let elseList: ListNode | undefined;
      if (next.type === 'else') {
        // "{{else if b}}" is "{{else}}{{if b}}...{{end}}" with the inner {{end}}
        // shared; Go 1.23 added "{{else with b}}" the same way.
        if (context === 'if' && this.peek().type === ItemType.If) {
          this.next();
          elseList = this.newList(next.pos);
          elseList.nodes.push(this.ifControl());
        } else if (context === 'with' && this.peek().type === ItemType.With) {
          this.next();
          elseList = this.newList(next.pos);
          elseList.nodes.push(this.withControl());
        } else {
          const [list2, next2] = this.itemList();
          if (next2.type !== 'end') this.errorf(`expected end; found ${markerString(next2)}`);
          elseList = list2;
        }
      }
      return { position: pipe.position, pipe, list, elseList };
    } finally {
      this.vars.length = varCount;
    }
  }

  private ifControl(): IfNode {
    return { type: 'If', ...this.parseControl('if') };
  }

  private withControl(): WithNode {
    return { type: 'With', ...this.parseControl('with') };
  }

  private branchControl(type: 'Range'): RangeNode {
    return { type, ...this.parseControl('range') };
  }

  private endControl(): EndMarker {
    this.expect(ItemType.RightDelim, 'end');
    return { type: 'end' };
  }

  /** {{else}}, or the start of {{else if ...}} / {{else with ...}}, whose keyword stays pending. */
  private elseControl(): ElseMarker {
    const peek = this.peekNonSpace();
    if (peek.type === ItemType.If || peek.type === ItemType.With) return { type: 'else', pos: peek.pos };
    const token = this.expect(ItemType.RightDelim, 'else');
    return { type: 'else', pos: token.pos };
  }

  /** {{block "name" pipeline}} ... {{end}}: a definition and a call in one. */
  private blockControl(): TemplateNode {
    const context = 'block clause';
    const token = this.nextNonSpace();
    const name = this.parseTemplateName(token, context);
    const pipe = this.pipeline(context, ItemType.RightDelim);
    const block = new Tree(name, this.ctx);
    const [root, end] = block.itemList();
    block.root = root;
    // Go reports this with the line of the outer tree's last token.
    if (end.type !== 'end') this.errorf(`unexpected ${markerString(end)} in ${context}`);
    block.add();
    return { type: 'Template', position: this.position(token.pos), name, pipe };
  }

  /** {{template "name" pipeline?}}. */
  private templateControl(): TemplateNode {
    const context = 'template clause';
    const token = this.nextNonSpace();
    const name = this.parseTemplateName(token, context);
    let pipe: PipeNode | undefined;
    if (this.nextNonSpace().type !== ItemType.RightDelim) {
      this.backup();
      pipe = this.pipeline(context, ItemType.RightDelim);
    }
    return { type: 'Template', position: this.position(token.pos), name, pipe };
  }

  private parseTemplateName(token: Item, context: string): string {
    if (token.type !== ItemType.String && token.type !== ItemType.RawString) this.unexpected(token, context);
    return this.unquote(token.val);
  }

  /**
   * command: operand (space operand)*, up to a pipe character, which is
   * consumed, or a right delimiter or paren, which is left.
   */
  private command(): CommandNode {
    const cmd: CommandNode = { type: 'Command', position: this.position(this.peekNonSpace().pos), args: [] };
    for (;;) {
      this.peekNonSpace(); // Skip leading spaces.
      const operand = this.operand();
      if (operand) cmd.args.push(operand);
      const token = this.next();
      if (token.type === ItemType.Space) continue;
      if (token.type === ItemType.RightDelim || token.type === ItemType.RightParen) {
        this.backup();
      } else if (token.type !== ItemType.Pipe) {
        this.unexpected(token, 'operand');
      }
      // Go goes on to reject a command without arguments, but the pipeline
      // only calls command when an operand follows, so there always is one.
      return cmd;
    }
  }

  /** operand: term .Field*. */
  private operand(): ArgumentNode | undefined {
    const node = this.term();
    if (!node || this.peek().type !== ItemType.Field) return node;
    const pos = this.peek().pos;
    const fields: string[] = [];
    while (this.peek().type === ItemType.Field) fields.push(this.next().val.slice(1));
    // Fields of a field or a variable extend it; fields of a literal are an error.
    switch (node.type) {
      case 'Field':
        return { type: 'Field', position: this.position(pos), ident: [...node.ident, ...fields] };
      case 'Variable':
        return { type: 'Variable', position: this.position(pos), ident: [...node.ident, ...fields] };
      case 'Bool':
      case 'String':
      case 'Number':
      case 'Nil':
      case 'Dot':
        return this.errorf(`unexpected . after term ${goQuote(formatNode(node))}`);
      default:
        return { type: 'Chain', position: this.position(pos), node, field: fields };
    }
  }

  /** term: literal | function | . | .Field | $ | "(" pipeline ")". */
  private term(): ArgumentNode | undefined {
    const token = this.nextNonSpace();
    const position = this.position(token.pos);
    switch (token.type) {
      case ItemType.Identifier:
        if (!this.ctx.skipFuncCheck && !this.ctx.funcs.has(token.val)) this.errorf(`function ${goQuote(token.val)} not defined`);
        return { type: 'Identifier', position, ident: token.val };
      case ItemType.Dot:
        return { type: 'Dot', position };
      case ItemType.Nil:
        return { type: 'Nil', position };
      case ItemType.Variable:
        return this.useVar(token.pos, token.val);
      case ItemType.Field:
        return { type: 'Field', position, ident: token.val.slice(1).split('.') };
      case ItemType.Bool:
        return { type: 'Bool', position, value: token.val === 'true' };
      case ItemType.CharConstant:
      case ItemType.Complex:
      case ItemType.Number: {
        const number = newNumber(token.val, token.type);
        if (typeof number === 'string') this.errorf(number);
        return { type: 'Number', position, text: token.val, ...number };
      }
      case ItemType.LeftParen:
        if (this.stackDepth >= this.ctx.maxExpressionDepth) this.errorf('max expression depth exceeded');
        this.stackDepth++;
        try {
          return this.pipeline('parenthesized pipeline', ItemType.RightParen);
        } finally {
          this.stackDepth--;
        }
      case ItemType.String:
      case ItemType.RawString:
        return { type: 'String', position, quoted: token.val, text: this.unquote(token.val) };
    }
    this.backup();
    return undefined;
  }

  /** A variable reference; the variable must be in scope. */
  private useVar(pos: number, name: string): VariableNode {
    const v = this.newVariable(pos, name);
    if (!this.vars.includes(v.ident[0])) this.errorf(`undefined variable ${goQuote(v.ident[0])}`);
    return v;
  }

  private unquote(quoted: string): string {
    const s = goUnquote(quoted);
    if (s === undefined) this.errorf('invalid syntax');
    return s;
  }

  private newList(pos: number): MutableList {
    return { type: 'List', position: this.position(pos), nodes: [] };
  }

  private newVariable(pos: number, ident: string): VariableNode {
    return { type: 'Variable', position: this.position(pos), ident: ident.split('.') };
  }

  private position(offset: number): TemplatePosition {
    return this.ctx.lines.position(offset);
  }
}

/** Whether a tree has nothing but spaces and comments, and so may be redefined. */
function isEmptyTree(node: Node): boolean {
  switch (node.type) {
    case 'List':
      return node.nodes.every(isEmptyTree);
    case 'Text':
      return isAllGoSpace(node.text);
    case 'Comment':
      return true;
    default:
      return false;
  }
}

/** Go's unicode.IsSpace, for bytes.TrimSpace: differs from JavaScript's trim on U+0085 and U+FEFF. */
function isAllGoSpace(s: string): boolean {
  return /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]*$/.test(s);
}

/** Maps offsets to lines and columns. */
class LineIndex {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }

  public position(offset: number): TemplatePosition {
    // The first line when the offset is before the text, as for one at its start.
    const lo = Math.max(0, lastAtOrBefore(this.starts, offset));
    return { offset, line: lo + 1, column: offset - this.starts[lo] + 1 };
  }
}

// Go's strconv and fmt, as far as the parser uses them.

type NumberValue = Omit<NumberNode, 'type' | 'position' | 'text'>;

const TWO_63 = 2 ** 63;
const TWO_64 = 2 ** 64;

/**
 * Go's newNumber: the value of a number, character or complex constant under
 * every type that can hold it, or Go's error message.
 */
function newNumber(text: string, type: ItemType): NumberValue | string {
  if (type === ItemType.CharConstant) {
    const c = unquoteChar(text, 1, 0x27);
    if (!c) return 'invalid syntax';
    if (text.slice(c.next) !== "'") return `malformed character constant: ${text}`;
    const value = BigInt(c.value);
    return { isInt: true, isUint: true, isFloat: true, isComplex: false, int64: value, uint64: value, float64: c.value };
  }
  if (type === ItemType.Complex) {
    const c = scanComplex(text);
    if (typeof c === 'string') return c;
    return simplifyComplex(c.real, c.imag);
  }
  // Imaginary constants can only be complex unless they are zero.
  if (text.endsWith('i')) {
    const f = parseFloat64(text.slice(0, -1));
    if (typeof f === 'number') return simplifyComplex(0, f);
  }
  // Integers first, so that 0x123 is an integer.
  const u = parseUint64(text);
  const i = parseInt64(text);
  if (i !== undefined) {
    // "-0" is not a ParseUint number, but it is an unsigned zero.
    const uint64 = u ?? (i === 0n ? 0n : undefined);
    return { isInt: true, isUint: uint64 !== undefined, isFloat: true, isComplex: false, int64: i, uint64, float64: Number(i) };
  }
  if (u !== undefined) {
    return { isInt: false, isUint: true, isFloat: true, isComplex: false, uint64: u, float64: Number(u) };
  }
  const f = parseFloat64(text);
  if (typeof f !== 'number') return `illegal number syntax: ${goQuote(text)}`;
  // A float that looks like an integer is an integer too large for int64 or uint64.
  if (!/[.eEpP]/.test(text)) return `integer overflow: ${goQuote(text)}`;
  return { isComplex: false, isFloat: true, float64: f, ...integerValues(f) };
}

/** Go's simplifyComplex: a complex number with no imaginary part is also a float, maybe an integer. */
function simplifyComplex(real: number, imag: number): NumberValue {
  const complex = { real, imag };
  if (imag !== 0) return { isInt: false, isUint: false, isFloat: false, isComplex: true, complex };
  return { isComplex: true, complex, isFloat: true, float64: real, ...integerValues(real) };
}

/** Whether float64(int64(f)) == f and float64(uint64(f)) == f, as on amd64. */
function integerValues(f: number): { isInt: boolean; isUint: boolean; int64?: bigint; uint64?: bigint } {
  const integral = Number.isInteger(f);
  const isInt = integral && f >= -TWO_63 && f < TWO_63;
  const isUint = integral && f >= 0 && f < TWO_64;
  return { isInt, isUint, int64: isInt ? BigInt(f) : undefined, uint64: isUint ? BigInt(f) : undefined };
}

const MAX_UINT64 = 2n ** 64n - 1n;

/** strconv.ParseUint(s, 0, 64), or undefined on any error. */
function parseUint64(s: string): bigint | undefined {
  if (s === '') return undefined;
  let base = 10;
  let digits = s;
  if (s[0] === '0') {
    const prefix = s.length >= 3 ? s[1].toLowerCase() : '';
    base = prefix === 'b' ? 2 : prefix === 'o' ? 8 : prefix === 'x' ? 16 : 8;
    digits = s.slice(base === 8 && prefix !== 'o' ? 1 : 2);
  }
  let n = 0n;
  let underscores = false;
  for (const c of digits) {
    if (c === '_') {
      underscores = true;
      continue;
    }
    const d = digitValue(c);
    if (d >= base) return undefined;
    n = n * BigInt(base) + BigInt(d);
    if (n > MAX_UINT64) return undefined;
  }
  if (underscores && !underscoreOK(s)) return undefined;
  return n;
}

/** strconv.ParseInt(s, 0, 64), or undefined on any error. */
function parseInt64(s: string): bigint | undefined {
  const neg = s.startsWith('-');
  const un = parseUint64(s.startsWith('+') || neg ? s.slice(1) : s);
  if (un === undefined) return undefined;
  if (neg ? un > 2n ** 63n : un >= 2n ** 63n) return undefined;
  return neg ? -un : un;
}

/** The value of an ASCII digit or letter as a digit; 99 for anything else. */
function digitValue(c: string): number {
  const code = c.charCodeAt(0);
  if (code >= 0x30 && code <= 0x39) return code - 0x30;
  if (code >= 0x61 && code <= 0x7a) return code - 0x61 + 10;
  if (code >= 0x41 && code <= 0x5a) return code - 0x41 + 10;
  return 99;
}

/**
 * strconv's underscoreOK: underscores may only separate digits, or a base
 * prefix from a digit.
 */
function underscoreOK(str: string): boolean {
  // What was seen last: ^ the beginning, 0 a digit or base prefix, _ an underscore, ! anything else.
  let saw = '^';
  let i = 0;
  const s = str.startsWith('-') || str.startsWith('+') ? str.slice(1) : str;
  let hex = false;
  if (s.length >= 2 && s[0] === '0' && 'box'.includes(s[1].toLowerCase())) {
    i = 2;
    saw = '0'; // A base prefix counts as a digit.
    hex = s[1].toLowerCase() === 'x';
  }
  for (; i < s.length; i++) {
    const d = digitValue(s[i]);
    if (d < 10 || (hex && d < 16)) {
      saw = '0';
    } else if (s[i] === '_') {
      if (saw !== '0') return false;
      saw = '_';
    } else {
      if (saw === '_') return false;
      saw = '!';
    }
  }
  return saw !== '_';
}

/**
 * strconv.ParseFloat(s, 64): the value, or 'syntax' or 'range'. Go's special
 * forms (inf, nan) are left out: no number token can spell them.
 */
function parseFloat64(s: string): number | 'syntax' | 'range' {
  const r = readFloat(s);
  if (!r.ok || r.n !== s.length) return 'syntax';
  if (r.hex) return atofHex(r.mantissa, r.exp, r.neg, r.trunc);
  // Decimal: JavaScript rounds correctly, as Go does.
  const f = Number(s.replace(/_/g, ''));
  return Number.isFinite(f) ? f : 'range';
}

interface ReadFloat {
  mantissa: bigint;
  exp: number;
  neg: boolean;
  trunc: boolean;
  hex: boolean;
  n: number;
  ok: boolean;
}

/** strconv's readFloat: reads a decimal or hexadecimal float's mantissa and exponent. */
function readFloat(s: string): ReadFloat {
  const r: ReadFloat = { mantissa: 0n, exp: 0, neg: false, trunc: false, hex: false, n: 0, ok: false };
  let i = 0;
  let underscores = false;
  if (s[i] === '+') {
    i++;
  } else if (s[i] === '-') {
    r.neg = true;
    i++;
  }
  let base = 10;
  let maxMantDigits = 19; // 10^19 fits in uint64.
  let expChar = 'e';
  if (i + 2 < s.length && s[i] === '0' && s[i + 1].toLowerCase() === 'x') {
    base = 16;
    maxMantDigits = 16; // 16^16 fits in uint64.
    i += 2;
    expChar = 'p';
    r.hex = true;
  }
  let sawdot = false;
  let sawdigits = false;
  let nd = 0;
  let ndMant = 0;
  let dp = 0;
  for (; i < s.length; i++) {
    const c = s[i];
    const d = digitValue(c);
    if (c === '_') {
      underscores = true;
    } else if (c === '.') {
      if (sawdot) break;
      sawdot = true;
      dp = nd;
    } else if (d < base) {
      sawdigits = true;
      if (d === 0 && nd === 0) {
        // Ignore leading zeros.
        dp--;
        continue;
      }
      nd++;
      if (ndMant < maxMantDigits) {
        r.mantissa = r.mantissa * BigInt(base) + BigInt(d);
        ndMant++;
      } else if (d !== 0) {
        r.trunc = true;
      }
    } else {
      break;
    }
  }
  if (!sawdigits) return r;
  if (!sawdot) dp = nd;
  if (base === 16) {
    dp *= 4;
    ndMant *= 4;
  }
  if (i < s.length && s[i].toLowerCase() === expChar) {
    i++;
    let esign = 1;
    if (s[i] === '+') {
      i++;
    } else if (s[i] === '-') {
      i++;
      esign = -1;
    }
    if (!(digitValue(s[i] ?? '') < 10)) return r;
    let e = 0;
    for (; i < s.length && (digitValue(s[i]) < 10 || s[i] === '_'); i++) {
      if (s[i] === '_') {
        underscores = true;
      } else if (e < 10000) {
        e = e * 10 + digitValue(s[i]);
      }
    }
    dp += e * esign;
  } else if (base === 16) {
    // A hexadecimal float must have an exponent.
    return r;
  }
  if (r.mantissa !== 0n) r.exp = dp - ndMant;
  if (underscores && !underscoreOK(s.slice(0, i))) return r;
  r.n = i;
  r.ok = true;
  return r;
}

/**
 * strconv's atofHex for float64: rounds a binary mantissa and exponent to the
 * nearest float, ties to even, or reports that it is out of range.
 */
function atofHex(mantissa: bigint, exp: number, neg: boolean, trunc: boolean): number | 'range' {
  const maxExp = 1023;
  const minExp = -1022;
  exp += 52; // The mantissa is now implicitly divided by 2^52.
  // Bring the mantissa to a leading 1 and 52 bits, plus two rounding bits,
  // the lower of which is sticky: set when any bit below it was.
  while (mantissa !== 0n && mantissa < 2n ** 54n) {
    mantissa *= 2n;
    exp--;
  }
  if (trunc && mantissa % 2n === 0n) mantissa += 1n;
  while (mantissa >= 2n ** 55n) {
    mantissa = halveSticky(mantissa);
    exp++;
  }
  // Denormalise if the exponent is too small.
  while (mantissa > 1n && exp < minExp - 2) {
    mantissa = halveSticky(mantissa);
    exp++;
  }
  // Round up on rounding bits 11, or on 10 when that makes the mantissa even.
  const roundingBits = mantissa % 4n;
  mantissa /= 4n;
  exp += 2;
  if (roundingBits === 3n || (roundingBits === 2n && mantissa % 2n === 1n)) {
    mantissa++;
    if (mantissa === 2n ** 53n) {
      mantissa /= 2n;
      exp++;
    }
  }
  // A denormal mantissa is below 2^52, with exp at minExp; both scale the same way.
  if (mantissa >= 2n ** 52n && exp > maxExp) return 'range';
  const value = Number(mantissa) * 2 ** (exp - 52);
  return neg ? -value : value;
}

/** mantissa >> 1 | mantissa & 1: halves, keeping a lost bit as the lowest. */
function halveSticky(mantissa: bigint): bigint {
  const half = mantissa / 2n;
  return mantissa % 2n === 1n && half % 2n === 0n ? half + 1n : half;
}

/**
 * fmt.Sscan(text, &complex128) for a complex number token such as "1+2i":
 * the real and imaginary parts, or fmt's error message.
 */
function scanComplex(text: string): { real: number; imag: number } | string {
  const complexError = 'syntax error scanning complex number';
  let i = 0;
  let buf = '';
  const accept = (ok: string): boolean => {
    if (i < text.length && ok.includes(text[i])) {
      buf += text[i++];
      return true;
    }
    return false;
  };
  const acceptRun = (ok: string): void => {
    while (accept(ok)) {
      // absorb
    }
  };
  // fmt's floatToken. (No token starts with "(", so fmt's parenthesised form does not arise.)
  const floatToken = (): string => {
    buf = '';
    if (accept('nN') && accept('aA') && accept('nN')) return buf;
    accept('+-');
    if (accept('iI') && accept('nN') && accept('fF')) return buf;
    let digits = '0123456789_';
    let exp = 'eEpP';
    if (accept('0') && accept('xX')) {
      digits = '0123456789aAbBcCdDeEfF_';
      exp = 'pP';
    }
    acceptRun(digits);
    if (accept('.')) acceptRun(digits);
    if (accept(exp)) {
      accept('+-');
      acceptRun('0123456789_');
    }
    return buf;
  };
  const real = floatToken();
  buf = '';
  if (!accept('+-')) return complexError;
  const sign = buf;
  const imag = sign + floatToken();
  if (!accept('i')) return complexError;
  // fmt's convertFloat. (Its decimal-mantissa, binary-exponent form "1p4"
  // cannot arise: the lexer takes "p" only after "0x".)
  const parts: number[] = [];
  for (const part of [real, imag]) {
    const f = parseFloat64(part);
    if (typeof f !== 'number') return `strconv.ParseFloat: parsing ${goQuote(part)}: ${f === 'range' ? 'value out of range' : 'invalid syntax'}`;
    parts.push(f);
  }
  return { real: parts[0], imag: parts[1] };
}

/**
 * strconv.Unquote for a string token, interpreted ("...") or raw (`...`),
 * or undefined where Go says "invalid syntax".
 */
function goUnquote(quoted: string): string | undefined {
  if (quoted.startsWith('`')) {
    // Carriage returns inside raw strings are discarded.
    return quoted.slice(1, -1).replace(/\r/g, '');
  }
  const bytes: number[] = [];
  let i = 1;
  while (i < quoted.length - 1) {
    const c = unquoteChar(quoted, i, 0x22);
    if (!c) return undefined;
    if (c.multibyte) {
      bytes.push(...utf8Encode(c.value));
    } else {
      bytes.push(c.value);
    }
    i = c.next;
  }
  return new TextDecoder().decode(Uint8Array.from(bytes));
}

/**
 * strconv.UnquoteChar at s[i:]: the character or escape there, as a rune
 * (multibyte) or a byte, and where the rest starts; undefined on bad syntax.
 */
function unquoteChar(s: string, i: number, quote: number): { value: number; multibyte: boolean; next: number } | undefined {
  if (i >= s.length) return undefined;
  const c = s.charCodeAt(i);
  if (c === quote) return undefined;
  if (c >= 0x80) {
    const r = runeAt(s, i);
    return { value: r, multibyte: true, next: i + (s.codePointAt(i)! > 0xffff ? 2 : 1) };
  }
  if (c !== 0x5c) return { value: c, multibyte: false, next: i + 1 };
  // A backslash; the lexer has made sure something follows it.
  const e = s[i + 1];
  const simple = SIMPLE_ESCAPES.get(e);
  if (simple !== undefined) return { value: simple, multibyte: false, next: i + 2 };
  if (e === 'x' || e === 'u' || e === 'U') {
    const n = e === 'x' ? 2 : e === 'u' ? 4 : 8;
    const hex = s.slice(i + 2, i + 2 + n);
    if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(hex)) return undefined;
    const v = parseInt(hex, 16);
    // \x is a single byte, possibly not UTF-8; \u and \U must be valid runes.
    if (e === 'x') return { value: v, multibyte: false, next: i + 2 + n };
    if (v > 0x10ffff || (v >= 0xd800 && v < 0xe000)) return undefined;
    return { value: v, multibyte: true, next: i + 2 + n };
  }
  if (e >= '0' && e <= '7') {
    const octal = s.slice(i + 1, i + 4);
    if (!/^[0-7]{3}$/.test(octal)) return undefined;
    const v = parseInt(octal, 8);
    if (v > 255) return undefined;
    return { value: v, multibyte: false, next: i + 4 };
  }
  // A quote may be escaped only inside its own kind of quotes.
  if ((e === "'" || e === '"') && e.charCodeAt(0) === quote) return { value: quote, multibyte: false, next: i + 2 };
  return undefined;
}

const SIMPLE_ESCAPES: ReadonlyMap<string, number> = new Map([
  ['a', 0x07],
  ['b', 0x08],
  ['f', 0x0c],
  ['n', 0x0a],
  ['r', 0x0d],
  ['t', 0x09],
  ['v', 0x0b],
  ['\\', 0x5c],
]);

function utf8Encode(r: number): number[] {
  return [...new TextEncoder().encode(String.fromCodePoint(r))];
}
