package newspaper.ingest.analysis;

import org.apache.lucene.analysis.Analyzer;
import org.apache.lucene.analysis.LowerCaseFilter;
import org.apache.lucene.analysis.StopFilter;
import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.cjk.CJKWidthFilter;
import org.apache.lucene.analysis.cn.smart.HMMChineseTokenizer;
import org.apache.lucene.analysis.cn.smart.SmartChineseAnalyzer;
import org.elasticsearch.plugin.NamedComponent;
import org.elasticsearch.plugin.analysis.AnalyzerFactory;

/**
 * smartcn words, width-folded, lower-cased, punctuation dropped: the same chain as a custom analyzer of
 * {@code zh_smartcn_words} + {@code zh_cjk_width} + {@code lowercase} + {@code zh_smartcn_stop}, for
 * clusters where one analyzer name is handier. Unlike Lucene's SmartChineseAnalyzer it does not
 * Porter-stem English words, so exact Latin terms keep matching.
 */
@NamedComponent("zh_smartcn")
public final class SmartcnAnalyzerFactory implements AnalyzerFactory {

    @Override
    public Analyzer create() {
        return new Analyzer() {
            @Override
            protected TokenStreamComponents createComponents(String fieldName) {
                Tokenizer words = new HMMChineseTokenizer();
                TokenStream stream = new CJKWidthFilter(words);
                stream = new LowerCaseFilter(stream);
                stream = new StopFilter(stream, SmartChineseAnalyzer.getDefaultStopSet());
                return new TokenStreamComponents(words, stream);
            }

            @Override
            protected TokenStream normalize(String fieldName, TokenStream in) {
                return new LowerCaseFilter(new CJKWidthFilter(in));
            }
        };
    }
}
