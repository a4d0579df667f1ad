// Data shapes for resources as the engine sees them. No logic here.

/** A resource exactly as read from a snapshot (ARM GET shape, or normalised from a Resource Graph row). */
export type RawResource = Record<string, unknown>;

/**
 * A resource prepared once per snapshot (never per policy): its id parsed and the root fields that
 * policies read most, so evaluation does no string work on them. A view and its `raw` are not changed after it is
 * made (views are frozen): field reads are remembered per view, so a changed resource needs a new view.
 */
export interface ResourceView {
  readonly raw: RawResource;
  readonly id: string;
  /** Type as written in the resource (the extension type for extension resources). */
  readonly type: string;
  readonly typeLower: string;
  /** Last name segment. */
  readonly name: string;
  /** Names of the parent chain joined with '/' (extension resources: the chain after the last /providers/). */
  readonly fullName: string;
  /** Location as written, or undefined. */
  readonly location: string | undefined;
  readonly subscriptionId: string | undefined;
  readonly resourceGroup: string | undefined;
  /** API version the snapshot says the resource was read with, if any. */
  readonly apiVersion: string | undefined;
}
