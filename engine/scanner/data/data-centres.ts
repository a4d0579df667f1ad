// Azure public regions → geography, and which Qualys data centre the integrated scanner reports to. Sources: SOURCES.md.
//
// Rule (MicrosoftDocs/azure-docs deploy-vulnerability-assessment-vm.md, 2023-11-27 version): "If your machine is in a
// region in an Azure European geography (such as Europe, UK, Germany), its artifacts will be processed in Qualys'
// European data center. Artifacts for virtual machines located elsewhere are sent to the US data center."
// The geography of each region is the "Geography" column of MicrosoftDocs/azure-docs articles/reliability/regions-list.md
// (2025-03-21) plus the later Learn page for regions added since (Belgium Central). Which geographies count as
// "European" is ours: every geography the portal groups under "(Europe)" (`az account list-locations`,
// metadata.geographyGroup = "Europe"). Israel Central and Qatar Central are grouped "(Middle East)" → US data centre.

export type QualysDataCentreId = 'EU' | 'US';

export interface QualysDataCentre {
  readonly id: QualysDataCentreId;
  readonly description: string;
  /** Host the extension must reach over HTTPS. */
  readonly host: string;
  readonly port: 443;
  readonly url: string;
}

export const QUALYS_DATA_CENTRES: Readonly<Record<QualysDataCentreId, QualysDataCentre>> = Object.freeze({
  // The documentation lists qg3 for the US, not qg2 (the brief's guess). qg2.apps.qualys.eu is the EU platform.
  US: Object.freeze({ id: 'US', description: "Qualys' US data center", host: 'qagpublic.qg3.apps.qualys.com', port: 443, url: 'https://qagpublic.qg3.apps.qualys.com' }),
  EU: Object.freeze({ id: 'EU', description: "Qualys' European data center", host: 'qagpublic.qg2.apps.qualys.eu', port: 443, url: 'https://qagpublic.qg2.apps.qualys.eu' }),
});

export interface AzureRegion {
  /** Programmatic name (the `location` value, lower case, no spaces). */
  readonly name: string;
  readonly displayName: string;
  /** Azure geography as the regions list names it. */
  readonly geography: string;
  /** "europe" when the geography is European, else "other". */
  readonly group: 'europe' | 'other';
  /** Access-restricted (in-country DR) or announced-but-not-open, as the regions list marks it. */
  readonly availability?: 'restricted' | 'coming-soon';
}

const EUROPEAN_GEOGRAPHIES = Object.freeze(
  new Set(['Europe', 'France', 'Germany', 'Norway', 'Poland', 'Spain', 'Sweden', 'Switzerland', 'United Kingdom', 'Italy', 'Austria', 'Belgium']),
);

type Row = readonly [name: string, displayName: string, geography: string, availability?: 'restricted' | 'coming-soon'];

const ROWS: readonly Row[] = [
  ['australiacentral', 'Australia Central', 'Australia'],
  ['australiacentral2', 'Australia Central 2', 'Australia', 'restricted'],
  ['australiaeast', 'Australia East', 'Australia'],
  ['australiasoutheast', 'Australia Southeast', 'Australia'],
  ['austriaeast', 'Austria East', 'Austria', 'coming-soon'],
  ['belgiumcentral', 'Belgium Central', 'Belgium'],
  ['brazilsouth', 'Brazil South', 'Brazil'],
  ['brazilsoutheast', 'Brazil Southeast', 'Brazil', 'restricted'],
  ['canadacentral', 'Canada Central', 'Canada'],
  ['canadaeast', 'Canada East', 'Canada'],
  ['centralindia', 'Central India', 'India'],
  ['centralus', 'Central US', 'United States'],
  ['eastasia', 'East Asia', 'Asia Pacific'],
  ['eastus', 'East US', 'United States'],
  ['eastus2', 'East US 2', 'United States'],
  ['francecentral', 'France Central', 'France'],
  ['francesouth', 'France South', 'France', 'restricted'],
  ['germanynorth', 'Germany North', 'Germany', 'restricted'],
  ['germanywestcentral', 'Germany West Central', 'Germany'],
  ['indonesiacentral', 'Indonesia Central', 'Indonesia', 'coming-soon'],
  ['israelcentral', 'Israel Central', 'Israel'],
  ['italynorth', 'Italy North', 'Italy'],
  ['japaneast', 'Japan East', 'Japan'],
  ['japanwest', 'Japan West', 'Japan'],
  ['koreacentral', 'Korea Central', 'Korea'],
  ['koreasouth', 'Korea South', 'Korea', 'restricted'],
  ['mexicocentral', 'Mexico Central', 'Mexico'],
  ['newzealandnorth', 'New Zealand North', 'New Zealand'],
  ['northcentralus', 'North Central US', 'United States'],
  ['northeurope', 'North Europe', 'Europe'],
  ['norwayeast', 'Norway East', 'Norway'],
  ['norwaywest', 'Norway West', 'Norway', 'restricted'],
  ['polandcentral', 'Poland Central', 'Poland'],
  ['qatarcentral', 'Qatar Central', 'Qatar'],
  ['southafricanorth', 'South Africa North', 'South Africa'],
  ['southafricawest', 'South Africa West', 'South Africa', 'restricted'],
  ['southcentralus', 'South Central US', 'United States'],
  ['southeastasia', 'Southeast Asia', 'Asia Pacific'],
  ['southindia', 'South India', 'India'],
  ['spaincentral', 'Spain Central', 'Spain'],
  ['swedencentral', 'Sweden Central', 'Sweden'],
  ['swedensouth', 'Sweden South', 'Sweden', 'restricted'],
  ['switzerlandnorth', 'Switzerland North', 'Switzerland'],
  ['switzerlandwest', 'Switzerland West', 'Switzerland', 'restricted'],
  ['uaecentral', 'UAE Central', 'UAE', 'restricted'],
  ['uaenorth', 'UAE North', 'UAE'],
  ['uksouth', 'UK South', 'United Kingdom'],
  ['ukwest', 'UK West', 'United Kingdom'],
  ['westcentralus', 'West Central US', 'United States'],
  ['westeurope', 'West Europe', 'Europe'],
  ['westindia', 'West India', 'India'],
  ['westus', 'West US', 'United States'],
  ['westus2', 'West US 2', 'United States'],
  ['westus3', 'West US 3', 'United States'],
];

/** Every public region, sorted by name. */
export const AZURE_REGIONS: readonly AzureRegion[] = Object.freeze(
  ROWS.map(([name, displayName, geography, availability]) =>
    Object.freeze({
      name,
      displayName,
      geography,
      group: EUROPEAN_GEOGRAPHIES.has(geography) ? ('europe' as const) : ('other' as const),
      ...(availability ? { availability } : {}),
    }),
  ),
);

const BY_KEY: ReadonlyMap<string, AzureRegion> = new Map(
  AZURE_REGIONS.flatMap((r) => [
    [r.name, r],
    [normaliseLocation(r.displayName), r],
  ]),
);

/** ARM accepts "West Europe" and "westeurope" alike: lower-case and drop spaces. */
export function normaliseLocation(location: string): string {
  return location.replace(/\s+/g, '').toLowerCase();
}

export function findRegion(location: string): AzureRegion | undefined {
  return BY_KEY.get(normaliseLocation(location));
}

export interface DataCentreAnswer {
  readonly dataCentre: QualysDataCentre;
  readonly region: AzureRegion | undefined;
  /** 'known' when the region is in the table; 'unknown-region' when not (→ US, the documented "elsewhere"). */
  readonly basis: 'known' | 'unknown-region';
}

/** Which Qualys data centre a machine in `location` reports to. Unknown locations fall under "elsewhere" → US. */
export function findQualysDataCentre(location: string): DataCentreAnswer {
  const region = findRegion(location);
  const id: QualysDataCentreId = region?.group === 'europe' ? 'EU' : 'US';
  return { dataCentre: QUALYS_DATA_CENTRES[id], region, basis: region ? 'known' : 'unknown-region' };
}
