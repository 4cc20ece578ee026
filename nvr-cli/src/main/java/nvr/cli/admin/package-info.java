/**
 * The admin API: JDK {@code HttpServer} bound to loopback ({@code admin.listen}), bearer token from
 * {@code <first data root>/admin.token} (mode 600, new at every start). JSON bodies in DESIGN.md's shapes;
 * export streams {@code progress} lines so the CLI can draw a bar. {@link nvr.cli.admin.AdminClient} is the
 * CLI side; it turns "connection refused" into "no NVR server is running ...; start it with ...".
 */
package nvr.cli.admin;
