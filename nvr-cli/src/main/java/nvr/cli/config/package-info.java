/**
 * {@code nvr.yaml}: parsed with SnakeYAML's SafeConstructor (maps, lists, scalars only; no tags to
 * arbitrary types), then walked key by key into {@link nvr.cli.config.NvrConfig}. Strict on purpose:
 * an unknown key or a value out of range stops the start with one line naming the key path and what
 * is allowed, because a silently ignored typo in a retention or port setting costs footage.
 */
package nvr.cli.config;
