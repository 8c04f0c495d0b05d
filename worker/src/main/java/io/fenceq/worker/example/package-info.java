/**
 * The example handlers shipped with the worker: stock reservation for SKUs on the template's
 * inventory table, with every write fenced. {@code fenceq local --workers N} runs them.
 */
package io.fenceq.worker.example;
