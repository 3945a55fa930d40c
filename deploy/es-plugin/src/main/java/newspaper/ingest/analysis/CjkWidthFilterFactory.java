package newspaper.ingest.analysis;

import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.cjk.CJKWidthFilter;
import org.elasticsearch.plugin.NamedComponent;
import org.elasticsearch.plugin.analysis.TokenFilterFactory;

/** Folds full-width ASCII (ＡＢＣ１２３) to half-width and half-width katakana to full-width. */
@NamedComponent("zh_cjk_width")
public final class CjkWidthFilterFactory implements TokenFilterFactory {

    @Override
    public TokenStream create(TokenStream input) {
        return new CJKWidthFilter(input);
    }

    /** A per-character folding, so it also applies to wildcard, prefix and fuzzy query terms. */
    @Override
    public TokenStream normalize(TokenStream input) {
        return new CJKWidthFilter(input);
    }
}
