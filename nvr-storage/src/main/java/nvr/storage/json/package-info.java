/**
 * JSON text encoding shared by every module that writes JSON (audit lines, export manifests, CLI output).
 * It lives in storage because storage is the lowest module that writes JSON (the audit log); there is no
 * JSON library on the allowed dependency list, and readers stay with their format (the audit line parser,
 * SnakeYAML for the CLI).
 */
package nvr.storage.json;
