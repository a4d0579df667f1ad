// aliases/: the alias catalogue, field classification and resolution, path compile/read/select ([*]).
export {
  createAliasCatalogue,
  defaultAliasCatalogue,
  typesDefining,
  type AliasCatalogue,
  type AliasCatalogueOptions,
  type AliasDefinition,
  type AliasPath,
  type ProviderAliases,
} from './catalogue.js';
export {
  resolveField,
  readField,
  selectField,
  fieldArray,
  type FieldKind,
  type FieldRef,
  type FieldResolution,
  type ResolveFieldOptions,
  type ResolveFieldResult,
  type RootField,
} from './field.js';
export {
  compilePath,
  parsePath,
  formatPath,
  readPath,
  selectPath,
  stripPrefix,
  hasWildcard,
  MAX_PATH_SEGMENTS,
  type PathSegment,
} from './path.js';
