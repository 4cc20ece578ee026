/** JMH benchmarks per subsystem and the end-to-end load generator; results in benchmarks/RESULTS.md. */
package nvr.bench;
