// Policy documents from disk (or stdin): files, directories and globs of JSON / YAML holding definitions,
// initiatives, assignments and exemptions, told apart by their content. Every document keeps its file, its
// pointer in the file and the file's locate(), so later diagnostics can say file:line:column.
//
// A file holds one document, an array of documents, an ARM list `{ "value": [...] }`, or (YAML) several
// `---` documents. A document whose kind cannot be told is a 'load.unknown-document' diagnostic naming the
// file and the pointer; the other documents of the file still load. It is an error in a file named on the
// command line, and a warning (the document is skipped) in a file found by a directory scan or a glob: policy
// folders also hold parameter files, pipelines, notes. Directory scans leave out dine's policy test files
// (`*.test.json`, `*.test.yaml`, `*.test.yml`). Order is deterministic: inputs in the order given, files of a
// directory or glob sorted by name, documents in file order.
import { readFile as fsReadFile } from 'node:fs/promises';
import * as path from 'node:path';
import { diagnostic, type Diagnostic, type SourceLocation } from '../diagnostics/index.js';
import { listDocuments } from '../parse/classify.js';
import { parseSourceText } from './source.js';
import { resolveInputs, STDIN, type ResolvedInputs } from './files.js';

/** One policy document and where it came from. */
export interface PolicyDocumentEntry {
  /** The document as written (the user's own object, keys as written). */
  document: unknown;
  /** The file as given or as found; '-' for standard input. */
  file: string;
  /** JSON pointer of the document inside its file ('' when the file is the document). */
  pointer: string;
  /** Maps a pointer in the FILE (so `pointer` + a pointer inside the document) to line:column. */
  locate: (pointer: string) => SourceLocation | undefined;
}

export interface PolicyDocuments {
  definitions: PolicyDocumentEntry[];
  setDefinitions: PolicyDocumentEntry[];
  assignments: PolicyDocumentEntry[];
  exemptions: PolicyDocumentEntry[];
  diagnostics: Diagnostic[];
  /** The files read, in reading order. */
  files: string[];
}

export interface LoadPolicyOptions {
  /** Base directory for relative paths and globs (default: process.cwd()). File names in results stay as given. */
  cwd?: string;
  /** Reads a file's text (default: node:fs). Called with '-' for standard input. */
  readFile?: (file: string) => Promise<string>;
}

/** Extensions looked for below a directory. */
export const POLICY_EXTENSIONS: readonly string[] = Object.freeze(['json', 'yaml', 'yml']);

/** dine policy test files (testkit), left out of directory scans. */
export const POLICY_TEST_FILE = /\.test\.(json|ya?ml)$/i;

/** The name standard input goes by. */
export { STDIN };


async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Files ('-' for stdin), directories (every .json/.yaml/.yml below except *.test.* files, sorted) and globs
 * (sorted matches) → file list in input order, each file once.
 */
export function resolvePolicyFiles(inputs: readonly string[], options: LoadPolicyOptions = {}): Promise<ResolvedInputs> {
  return resolveInputs(inputs, {
    ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
    extensions: POLICY_EXTENSIONS,
    exclude: POLICY_TEST_FILE,
    stdin: true,
    emptyDirectory: 'error',
  });
}

/**
 * Loads every policy document of the inputs and sorts them by kind. Never throws for bad input: a missing
 * file, a syntax error or an unrecognised document is a coded diagnostic, and the rest still loads.
 */
export async function loadPolicyDocuments(pathsOrGlobs: readonly string[], options: LoadPolicyOptions = {}): Promise<PolicyDocuments> {
  const cwd = options.cwd ?? process.cwd();
  const read = options.readFile ?? ((file: string) => (file === STDIN ? readStdin() : fsReadFile(path.resolve(cwd, file), 'utf8')));
  const out: PolicyDocuments = { definitions: [], setDefinitions: [], assignments: [], exemptions: [], diagnostics: [], files: [] };
  const resolved = await resolvePolicyFiles(pathsOrGlobs, options);
  out.diagnostics.push(...resolved.diagnostics);
  for (const file of resolved.files) {
    let text: string;
    try {
      text = await read(file);
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      out.diagnostics.push(
        err.code === 'ENOENT' ? diagnostic('load.file-not-found', { file }) : diagnostic('load.read-failed', { file, reason: err.message ?? String(e) }),
      );
      continue;
    }
    out.files.push(file);
    // stdin has no name to tell the format by: parseSourceText looks at the first character
    const parsed = parseSourceText(text, file === STDIN ? '<stdin>' : file);
    if (file === STDIN) {
      for (const d of parsed.diagnostics) if (d.source) d.source = { ...d.source, file: STDIN };
    }
    out.diagnostics.push(...parsed.diagnostics);
    if (parsed.value === undefined) continue;
    const locate = file === STDIN
      ? (p: string): SourceLocation | undefined => {
          const at = parsed.locate(p);
          return at ? { ...at, file: STDIN } : undefined;
        }
      : parsed.locate;
    for (const entry of listDocuments(parsed.value)) {
      const item: PolicyDocumentEntry = { document: entry.value, file, pointer: entry.pointer, locate };
      switch (entry.kind) {
        case 'policyDefinition':
          out.definitions.push(item);
          break;
        case 'policySetDefinition':
          out.setDefinitions.push(item);
          break;
        case 'policyAssignment':
          out.assignments.push(item);
          break;
        case 'policyExemption':
          out.exemptions.push(item);
          break;
        default: {
          const source = locate(entry.pointer) ?? { file, line: 1, column: 1 };
          const skipped = resolved.discovered.has(file);
          const reason = `${describeValue(entry.value)} has none of policyRule (definition), policyDefinitions (initiative), ` +
            `policyDefinitionId with a scope (assignment), policyAssignmentId (exemption)${skipped ? '; skipped' : ''}`;
          out.diagnostics.push(diagnostic('load.unknown-document', { reason }, { pointer: entry.pointer, source, severity: skipped ? 'warning' : 'error' }));
        }
      }
    }
  }
  return out;
}

function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'object') return 'the object';
  return `a ${typeof v}`;
}
