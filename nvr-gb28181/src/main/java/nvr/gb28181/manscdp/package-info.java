/**
 * MANSCDP, the GB/T 28181 XML command set carried in MESSAGE bodies ({@code Application/MANSCDP+xml}):
 * Keepalive, Catalog, DeviceInfo, DeviceStatus, RecordInfo, MediaStatus. {@link nvr.gb28181.manscdp.ManscdpParser}
 * turns bytes into a small immutable tree with typed views ({@link nvr.gb28181.manscdp.CatalogItem},
 * {@link nvr.gb28181.manscdp.RecordItem}); {@link nvr.gb28181.manscdp.ManscdpWriter} writes answers.
 *
 * <p>Why so defensive: these bodies come from any device on the network. DOCTYPEs are refused outright (no XXE,
 * no billion laughs), size/element/depth are bounded, and the GB2312/GBK charset mess is handled once here
 * (decode GB2312 as GBK; answer in the declared charset).
 */
package nvr.gb28181.manscdp;
