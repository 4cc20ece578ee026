/**
 * Cascade toward upper platforms (GB/T 28181 "级联"): we register to each configured police/county
 * platform with digest auth and keep the registration alive, and we answer their Catalog with our cameras
 * and their RecordInfo from our OWN storage coverage (not by forwarding to the camera, which may have no
 * storage at all), paged into MESSAGEs sent one after another's 200 OK with the query's SN.
 * Why: serving our recordings upward is the product's reason to exist; see issue 5.
 */
package nvr.ingest.cascade;
