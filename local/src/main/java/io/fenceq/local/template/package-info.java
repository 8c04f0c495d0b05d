/**
 * Reads {@code template.yaml} and provisions what it declares.
 *
 * <p>The SAM template is the single source of truth for fenceq's queue, dead-letter queue and lease
 * table. {@link io.fenceq.local.template.CloudFormationTemplate} parses it (short-form tags
 * included) and {@link io.fenceq.local.template.TemplateProvisioner} creates its queues and tables
 * on any SQS and DynamoDB endpoint, resolving intrinsic functions the way CloudFormation does, so a
 * local run never drifts from what AWS deploys.
 */
package io.fenceq.local.template;
