package io.fenceq.testing;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.services.dynamodb.model.AttributeValue;
import software.amazon.awssdk.services.dynamodb.model.DynamoDbException;

/**
 * The part of DynamoDB's condition and update expression language that fenceq and its tests use,
 * with DynamoDB's semantics: a comparison involving a missing attribute or mismatched types is
 * false, update right-hand sides read the item as it was before the update, {@code ADD} on a
 * missing number starts from 0, and every supplied placeholder must be used (DynamoDB refuses
 * unused ones). Anything else is refused loudly rather than guessed.
 */
final class Expressions {
  private final Map<String, String> names;
  private final Map<String, AttributeValue> values;
  private final Set<String> usedNames = new HashSet<>();
  private final Set<String> usedValues = new HashSet<>();

  Expressions(Map<String, String> names, Map<String, AttributeValue> values) {
    this.names = names == null ? Map.of() : names;
    this.values = values == null ? Map.of() : values;
  }

  interface Condition {
    boolean test(Map<String, AttributeValue> item);
  }

  interface Operand {
    AttributeValue eval(Map<String, AttributeValue> item);
  }

  interface Action {
    void apply(Map<String, AttributeValue> before, Map<String, AttributeValue> after);
  }

  Condition condition(String text) {
    Parser p = new Parser(text);
    Condition c = p.or();
    p.expectEnd();
    return c;
  }

  List<Action> update(String text) {
    Parser p = new Parser(text);
    List<Action> actions = new ArrayList<>();
    Set<String> clauses = new HashSet<>();
    while (!p.atEnd()) {
      String clause = p.ident().toUpperCase();
      if (!clauses.add(clause)) {
        throw validation("the " + clause + " clause appears twice in \"" + text + "\"");
      }
      do {
        switch (clause) {
          case "SET" -> {
            String path = p.path();
            p.expect("=");
            Operand value = p.setValue();
            actions.add((before, after) -> after.put(path, value.eval(before)));
          }
          case "REMOVE" -> {
            String path = p.path();
            actions.add((before, after) -> after.remove(path));
          }
          case "ADD" -> {
            String path = p.path();
            Operand add = p.operand();
            actions.add(
                (before, after) -> {
                  AttributeValue old = before.get(path);
                  BigDecimal base = old == null ? BigDecimal.ZERO : number(old);
                  after.put(
                      path,
                      AttributeValue.fromN(base.add(number(add.eval(before))).toPlainString()));
                });
          }
          case "DELETE" -> {
            String path = p.path();
            Operand remove = p.operand();
            actions.add(
                (before, after) -> {
                  AttributeValue old = before.get(path);
                  AttributeValue gone = remove.eval(before);
                  if (old == null) {
                    return;
                  }
                  if (!old.hasSs() || gone == null || !gone.hasSs()) {
                    throw validation("DELETE supports string sets only, got " + old + " - " + gone);
                  }
                  List<String> rest = new ArrayList<>(old.ss());
                  rest.removeAll(gone.ss());
                  // DynamoDB removes a set attribute left empty.
                  if (rest.isEmpty()) {
                    after.remove(path);
                  } else {
                    after.put(path, AttributeValue.fromSs(rest));
                  }
                });
          }
          default -> throw validation("unsupported clause " + clause + " in \"" + text + "\"");
        }
      } while (p.accept(","));
    }
    return actions;
  }

  /** Throws as DynamoDB does if a supplied placeholder was not used, or a used one not supplied. */
  void checkAllPlaceholdersUsed() {
    for (String n : names.keySet()) {
      if (!usedNames.contains(n)) {
        throw validation(
            "Value provided in ExpressionAttributeNames unused in expressions: keys: {" + n + "}");
      }
    }
    for (String v : values.keySet()) {
      if (!usedValues.contains(v)) {
        throw validation(
            "Value provided in ExpressionAttributeValues unused in expressions: keys: {" + v + "}");
      }
    }
  }

  static DynamoDbException validation(String message) {
    return (DynamoDbException)
        DynamoDbException.builder()
            .message(message)
            .statusCode(400)
            .awsErrorDetails(
                AwsErrorDetails.builder()
                    .errorCode("ValidationException")
                    .errorMessage(message)
                    .build())
            .build();
  }

  private static BigDecimal number(AttributeValue v) {
    if (v == null || v.n() == null) {
      throw validation("An operand in the update expression has an incorrect data type: " + v);
    }
    return new BigDecimal(v.n());
  }

  /** -1, 0, 1, or null when DynamoDB would say the comparison is false (missing, type mismatch). */
  private static Integer compare(AttributeValue a, AttributeValue b) {
    if (a == null || b == null) {
      return null;
    }
    if (a.n() != null && b.n() != null) {
      return new BigDecimal(a.n()).compareTo(new BigDecimal(b.n()));
    }
    if (a.s() != null && b.s() != null) {
      return Integer.signum(a.s().compareTo(b.s()));
    }
    if (a.bool() != null && b.bool() != null) {
      return a.bool().equals(b.bool()) ? 0 : null;
    }
    return null;
  }

  private final class Parser {
    private final String text;
    private final List<String> tokens = new ArrayList<>();
    private int pos;

    Parser(String text) {
      this.text = text;
      int i = 0;
      while (i < text.length()) {
        char c = text.charAt(i);
        if (Character.isWhitespace(c)) {
          i++;
        } else if (c == '#' || c == ':' || Character.isLetter(c) || c == '_') {
          int j = i + 1;
          while (j < text.length()
              && (Character.isLetterOrDigit(text.charAt(j)) || text.charAt(j) == '_')) {
            j++;
          }
          tokens.add(text.substring(i, j));
          i = j;
        } else if (text.startsWith("<>", i)
            || text.startsWith("<=", i)
            || text.startsWith(">=", i)) {
          tokens.add(text.substring(i, i + 2));
          i += 2;
        } else if ("()=<>,+-".indexOf(c) >= 0) {
          tokens.add(String.valueOf(c));
          i++;
        } else {
          throw validation("unsupported character '" + c + "' in \"" + text + "\"");
        }
      }
    }

    boolean atEnd() {
      return pos >= tokens.size();
    }

    void expectEnd() {
      if (!atEnd()) {
        throw validation("unexpected \"" + tokens.get(pos) + "\" in \"" + text + "\"");
      }
    }

    String peek() {
      return atEnd() ? "" : tokens.get(pos);
    }

    boolean accept(String token) {
      if (peek().equalsIgnoreCase(token)) {
        pos++;
        return true;
      }
      return false;
    }

    void expect(String token) {
      if (!accept(token)) {
        throw validation("expected \"" + token + "\" at \"" + peek() + "\" in \"" + text + "\"");
      }
    }

    String ident() {
      String t = peek();
      if (t.isEmpty() || !Character.isLetter(t.charAt(0))) {
        throw validation("expected a keyword at \"" + t + "\" in \"" + text + "\"");
      }
      pos++;
      return t;
    }

    String path() {
      String t = peek();
      pos++;
      if (t.startsWith("#")) {
        String name = names.get(t);
        if (name == null) {
          throw validation(
              "An expression attribute name used in the document path is not defined; attribute name: "
                  + t);
        }
        usedNames.add(t);
        return name;
      }
      if (t.isEmpty() || !(Character.isLetter(t.charAt(0)) || t.charAt(0) == '_')) {
        throw validation("expected an attribute at \"" + t + "\" in \"" + text + "\"");
      }
      return t;
    }

    Operand operand() {
      String t = peek();
      if (t.startsWith(":")) {
        pos++;
        AttributeValue v = values.get(t);
        if (v == null) {
          throw validation(
              "An expression attribute value used in expression is not defined; attribute value: "
                  + t);
        }
        usedValues.add(t);
        return item -> v;
      }
      if (t.equals("if_not_exists")) {
        pos++;
        expect("(");
        String path = path();
        expect(",");
        Operand fallback = operand();
        expect(")");
        return item -> item.containsKey(path) ? item.get(path) : fallback.eval(item);
      }
      String path = path();
      return item -> item.get(path);
    }

    Operand setValue() {
      Operand left = operand();
      if (accept("+")) {
        Operand right = operand();
        return item ->
            AttributeValue.fromN(
                number(left.eval(item)).add(number(right.eval(item))).toPlainString());
      }
      if (accept("-")) {
        Operand right = operand();
        return item ->
            AttributeValue.fromN(
                number(left.eval(item)).subtract(number(right.eval(item))).toPlainString());
      }
      return left;
    }

    Condition or() {
      Condition left = and();
      while (accept("OR")) {
        Condition l = left;
        Condition r = and();
        left = item -> l.test(item) || r.test(item);
      }
      return left;
    }

    Condition and() {
      Condition left = not();
      while (accept("AND")) {
        Condition l = left;
        Condition r = not();
        left = item -> l.test(item) && r.test(item);
      }
      return left;
    }

    Condition not() {
      if (accept("NOT")) {
        Condition c = not();
        return item -> !c.test(item);
      }
      return primary();
    }

    Condition primary() {
      if (accept("(")) {
        Condition c = or();
        expect(")");
        return c;
      }
      if (accept("attribute_exists")) {
        expect("(");
        String path = path();
        expect(")");
        return item -> item.containsKey(path);
      }
      if (accept("contains")) {
        expect("(");
        String path = path();
        expect(",");
        Operand member = operand();
        expect(")");
        return item -> {
          AttributeValue set = item.get(path);
          AttributeValue m = member.eval(item);
          return set != null
              && set.hasSs()
              && m != null
              && m.s() != null
              && set.ss().contains(m.s());
        };
      }
      if (accept("attribute_not_exists")) {
        expect("(");
        String path = path();
        expect(")");
        return item -> !item.containsKey(path);
      }
      Operand left = operand();
      String op = peek();
      pos++;
      Operand right = operand();
      Map<String, java.util.function.IntPredicate> ops = new HashMap<>();
      ops.put("=", c -> c == 0);
      ops.put("<", c -> c < 0);
      ops.put("<=", c -> c <= 0);
      ops.put(">", c -> c > 0);
      ops.put(">=", c -> c >= 0);
      java.util.function.IntPredicate holds = ops.get(op);
      if (holds == null) {
        throw validation("unsupported comparator \"" + op + "\" in \"" + text + "\"");
      }
      return item -> {
        Integer c = compare(left.eval(item), right.eval(item));
        return c != null && holds.test(c);
      };
    }
  }
}
