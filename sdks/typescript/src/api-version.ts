// Generated from api/src/core/http/api-versions.json (npm run generate). Do not edit.
/** The API version this SDK was generated against; it sends it as Plinth-Version. */
export const API_VERSION = '2026-11-22';
