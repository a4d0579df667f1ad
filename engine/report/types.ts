// The Reporter shape every output format implements, and the options the CLI passes them.
import type { ComplianceReport } from '../model/index.js';
import type { DefinitionInfo } from './describe.js';

export interface ReportFormatOptions {
  /** ANSI colour (table only). The CLI sets it for a TTY without NO_COLOR. */
  color?: boolean;
  /** The tool's version (SARIF driver.version, JUnit properties). */
  toolVersion?: string;
  /** Definition texts the records do not carry (SARIF rule descriptions). */
  definitions?: readonly DefinitionInfo[];
  /** markdown: at most this many findings are listed (default 200; a PR comment holds 65,536 characters). */
  maxFindings?: number;
}

export interface Reporter {
  /** The --format name. */
  name: string;
  /** One line for --help. */
  doc: string;
  /** The usual file extension (without the dot). */
  extension: string;
  format(report: ComplianceReport, options?: ReportFormatOptions): string;
  /** The same text in pieces, for reports too large for one string (formats that can). */
  chunks?(report: ComplianceReport, options?: ReportFormatOptions): Iterable<string>;
}
