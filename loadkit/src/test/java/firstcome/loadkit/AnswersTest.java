package firstcome.loadkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class AnswersTest {

    private final Answers answers = new Answers();

    @Test
    void countsEveryAnswerByStatusAndNoAnswerAsItsOwn() {
        answers.record("u-1", 503);
        answers.record("u-1", ApplyClient.NO_ANSWER);
        answers.record("u-1", 202);
        answers.record("u-2", 410);

        assertThat(answers.counts()).containsExactly(
                Map.entry(ApplyClient.NO_ANSWER, 1L), Map.entry(202, 1L),
                Map.entry(410, 1L), Map.entry(503, 1L));
        assertThat(answers.count(503)).isEqualTo(1);
        assertThat(answers.count(409)).isZero();
    }

    @Test
    void keepsEachAcceptedUserOnceButCountsEvery202() {
        answers.record("u-1", 202);
        answers.record("u-1", 202);
        answers.record("u-2", 409);

        assertThat(answers.acceptedUsers()).containsExactly("u-1");
        assertThat(answers.accepted()).isEqualTo(2);
    }
}
