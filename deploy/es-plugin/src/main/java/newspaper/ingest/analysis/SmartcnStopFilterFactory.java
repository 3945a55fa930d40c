package newspaper.ingest.analysis;

import org.apache.lucene.analysis.StopFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.cn.smart.SmartChineseAnalyzer;
import org.elasticsearch.plugin.NamedComponent;
import org.elasticsearch.plugin.analysis.TokenFilterFactory;

/** Drops the punctuation tokens of {@code zh_smartcn_words} (smartcn's own stop set: punctuation only). */
@NamedComponent("zh_smartcn_stop")
public final class SmartcnStopFilterFactory implements TokenFilterFactory {

    @Override
    public TokenStream create(TokenStream input) {
        return new StopFilter(input, SmartChineseAnalyzer.getDefaultStopSet());
    }
}
