/**
 * The {@code nvr} command line: {@link nvr.cli.Main} turns every outcome into an exit code (0 ok,
 * 1 failed, 2 bad usage/input) and at most one stderr line, as DESIGN.md's contract requires.
 * Subpackages: {@code config} (nvr.yaml), {@code command} (picocli commands), {@code admin} (the
 * loopback admin HTTP API and its client), {@code serve} (wiring of the running recorder),
 * {@code demo} (simulated cameras), {@code output} (tables, JSON, times).
 */
package nvr.cli;
