package io.fenceq.local.template;

import java.util.Optional;

/**
 * One entry of a template's {@code Outputs} section, unresolved.
 *
 * @param name the output's key in {@code Outputs}
 * @param value the {@code Value}, possibly an intrinsic function in long form
 * @param description the {@code Description}
 * @param condition the name of the {@code Condition} that decides whether it exists
 */
public record TemplateOutput(
    String name, Object value, Optional<String> description, Optional<String> condition) {}
