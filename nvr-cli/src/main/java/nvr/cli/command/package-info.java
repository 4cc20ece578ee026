/**
 * The picocli commands. {@code serve}/{@code demo} run the recorder in this process; every other command
 * is a thin client of the running server's admin API ({@link nvr.cli.admin.AdminClient}), so it never
 * opens the RocksDB index the server holds. Usage errors are picocli's one-line message, exit 2.
 */
package nvr.cli.command;
