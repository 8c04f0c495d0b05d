package io.fenceq.functions.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Request bodies the API refuses although JSON and the library would take them. */
class JobRequestReaderTest {
  @ParameterizedTest(name = "{0} -> field {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"key\":\"a\",\"key\":\"b\",\"type\":\"t\"}                    | key",
        "{\"key\":\"a\",\"type\":\"t\",\"payload\":{\"n\":1,\"n\":2}}     | payload.n",
      })
  void aMemberGivenTwiceInAJobIsRefusedNamingIt(String body, String field) {
    assertThatThrownBy(() -> JobRequestReader.one(body))
        .isInstanceOfSatisfying(
            BadRequestException.class, e -> assertThat(e.field()).isEqualTo(field))
        .hasMessage(field + " is given more than once; give each member of an object once");
  }

  @ParameterizedTest(name = "{0} -> field {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "{\"jobs\":[{\"key\":\"a\",\"type\":\"t\"},{\"key\":\"a\",\"type\":\"t\",\"type\":\"u\"}]} | jobs[1].type",
        "{\"jobs\":[],\"jobs\":[{\"key\":\"a\",\"type\":\"t\"}]}                                 | jobs",
      })
  void aMemberGivenTwiceInABatchIsRefusedNamingIt(String body, String field) {
    assertThatThrownBy(() -> JobRequestReader.batch(body))
        .isInstanceOfSatisfying(
            BadRequestException.class, e -> assertThat(e.field()).isEqualTo(field));
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " "})
  void anUnknownMemberWithABlankNameIsNamedInQuotes(String name) {
    assertThatThrownBy(() -> JobRequestReader.one("{\"" + name + "\":1,\"key\":\"a\"}"))
        .isInstanceOfSatisfying(
            BadRequestException.class, e -> assertThat(e.field()).isEqualTo("\"" + name + "\""));
  }

  @ParameterizedTest
  @ValueSource(strings = {" ", "   ", "\\t", "\\u00a0", "\\u2003 ", " \\n "})
  void aKeyOfWhitespaceOnlyIsRefused(String jsonKey) {
    String body = "{\"key\":\"" + jsonKey + "\",\"type\":\"t\"}";
    assertThatThrownBy(() -> JobRequestReader.one(body))
        .isInstanceOfSatisfying(
            BadRequestException.class, e -> assertThat(e.field()).isEqualTo("key"))
        .hasMessageContaining("whitespace only");
  }

  @ParameterizedTest
  @ValueSource(strings = {"sku\\n42", "sku\\u0000", "\\u001b[31msku", "sku\\u007f", "sku\\u0085"})
  void aKeyWithAControlCharacterIsRefused(String jsonKey) {
    String body = "{\"jobs\":[{\"key\":\"" + jsonKey + "\",\"type\":\"t\"}]}";
    assertThatThrownBy(() -> JobRequestReader.batch(body))
        .isInstanceOfSatisfying(
            BadRequestException.class, e -> assertThat(e.field()).isEqualTo("jobs[0].key"))
        .hasMessageContaining("control character U+00")
        .hasMessageNotContaining("\n");
  }

  @ParameterizedTest
  @ValueSource(strings = {"sku 42", " sku", "größe", "\\ud83d\\ude00"})
  void keysWithSpacesAndOtherTextAreAccepted(String jsonKey) {
    assertThat(JobRequestReader.one("{\"key\":\"" + jsonKey + "\",\"type\":\"t\"}").key())
        .isNotBlank();
  }

  @ParameterizedTest
  @ValueSource(strings = {"sku\\uffff", "sku\\ufffe"})
  void aKeySqsWouldRefuseIsRefusedAsTheKey(String jsonKey) {
    assertThatThrownBy(() -> JobRequestReader.one("{\"key\":\"" + jsonKey + "\",\"type\":\"t\"}"))
        .isInstanceOfSatisfying(
            BadRequestException.class, e -> assertThat(e.field()).isEqualTo("key"))
        .hasMessageContaining("SQS");
  }
}
