// Remora's version, stamped on every toolkit it creates and in its image tag.
// Kept in step with package.json by a unit test (reading package.json at start-up costs time).
export const REMORA_VERSION = '0.1.0';
