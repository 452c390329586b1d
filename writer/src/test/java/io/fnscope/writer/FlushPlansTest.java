package io.fnscope.writer;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FlushPlansTest {

    @Test
    void aPlanNamesTheEndOffsetInItsMetadata() {
        assertThat(FlushPlans.endIn(new OffsetAndMetadata(40, FlushPlans.PREFIX + 57))).isEqualTo(57);
    }

    @Test
    void offsetsWithoutAPlanNameNoEnd() {
        assertThat(FlushPlans.endIn(null)).isEqualTo(-1);
        assertThat(FlushPlans.endIn(new OffsetAndMetadata(40))).isEqualTo(-1);
        assertThat(FlushPlans.endIn(new OffsetAndMetadata(40, ""))).isEqualTo(-1);
        assertThat(FlushPlans.endIn(new OffsetAndMetadata(40, "someone else's metadata"))).isEqualTo(-1);
    }

    @Test
    void aMalformedPlanIsIgnoredRatherThanFailingTheAssignment() {
        assertThat(FlushPlans.endIn(new OffsetAndMetadata(40, FlushPlans.PREFIX))).isEqualTo(-1);
        assertThat(FlushPlans.endIn(new OffsetAndMetadata(40, FlushPlans.PREFIX + "57x"))).isEqualTo(-1);
        assertThat(FlushPlans.endIn(new OffsetAndMetadata(40, FlushPlans.PREFIX + "99999999999999999999"))).isEqualTo(-1);
    }
}
