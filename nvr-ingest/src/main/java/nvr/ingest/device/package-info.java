/**
 * The device registry: GB/T 28181 devices that registered with us and their channels. Runtime state
 * (contact, keepalive, online) lives in memory on the signaling thread; the facts an operator needs
 * ("one camera, one file": name, manufacturer, model, civil code, location; last known address and state)
 * are persisted in the store's {@code devices} and {@code cameras} tables as {@link nvr.ingest.device.RegistryRecord}
 * key=value text, so other components can add their own keys to the same records.
 */
package nvr.ingest.device;
