export { createAccessPolicy, hostNameOf, type AccessPolicy, type InterfaceAddresses } from './access-policy.js';
export { tunerClientCheck, adminHostCheck } from './access-hooks.js';
export { parseCidr, parseCidrList, normalizeAddress, CidrError, type Cidr } from './cidr.js';
