// The on-demand scan command per OS for the integrated Qualys scanner, verbatim from Microsoft's page. Sources: SOURCES.md.

export interface ScanCommand {
  readonly platform: 'Windows' | 'Linux';
  /** Exactly as documented (the docs render it in a code span). */
  readonly command: string;
  /** Privilege the command needs (the docs: the extension itself runs as Local Host on Windows and as root on Linux). */
  readonly requires: string;
}

export const SCAN_COMMANDS_SOURCE = Object.freeze({
  repository: 'MicrosoftDocs/azure-docs',
  path: 'articles/defender-for-cloud/deploy-vulnerability-assessment-vm.md',
  commits: ['028c1874c00fb3625b820758779dd9b1a624b6bf', '2b967af736174a11201563d544b188cad627fa06'],
  section: 'Trigger an on-demand scan',
});

export const SCAN_COMMANDS: Readonly<Record<'Windows' | 'Linux', ScanCommand>> = Object.freeze({
  Windows: Object.freeze({
    platform: 'Windows',
    command: 'REG ADD HKLM\\SOFTWARE\\Qualys\\QualysAgent\\ScanOnDemand\\Vulnerability /v "ScanOnDemand" /t REG_DWORD /d "1" /f',
    requires: 'an elevated prompt (writes HKLM)',
  }),
  Linux: Object.freeze({
    platform: 'Linux',
    command: 'sudo /usr/local/qualys/cloud-agent/bin/cloudagentctl.sh action=demand type=vm',
    requires: 'root (the command is prefixed with sudo)',
  }),
});

/** The command for a machine's OS type ('Windows'/'windows', 'Linux'/'linux'); undefined for anything else. */
export function findScanCommand(osType: string | undefined): ScanCommand | undefined {
  const t = osType?.toLowerCase();
  if (t === 'windows') return SCAN_COMMANDS.Windows;
  if (t === 'linux') return SCAN_COMMANDS.Linux;
  return undefined;
}
