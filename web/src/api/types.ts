// The API's own request and response types (TypeBox `Static<>` in src/api/schemas): the UI never
// keeps copies of them, so a changed response shape fails the UI's typecheck.
export type * from '../../../src/api/schemas/index.js';
