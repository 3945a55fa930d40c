package newspaper.ingest.analysis;

import org.apache.lucene.analysis.Tokenizer;
import org.apache.lucene.analysis.cn.smart.HMMChineseTokenizer;
import org.elasticsearch.plugin.NamedComponent;
import org.elasticsearch.plugin.analysis.TokenizerFactory;

/**
 * Words by smartcn's hidden Markov model over its bundled dictionaries. Each punctuation mark comes out
 * as a "," token (drop them with {@code zh_smartcn_stop}); full-width Latin letters and digits come out
 * folded to lower-case ASCII.
 */
@NamedComponent("zh_smartcn_words")
public final class SmartcnWordsTokenizerFactory implements TokenizerFactory {

    @Override
    public Tokenizer create() {
        return new HMMChineseTokenizer();
    }
}
