/**
 * What the admin commands print: tables for people, JSON (DESIGN.md's shapes, times in epoch ms) for
 * scripts, time arguments in ISO-8601/epoch ms, and the export progress bar (terminal only).
 */
package nvr.cli.output;
