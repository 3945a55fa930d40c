package newspaper.ingest.analysis;

import java.util.List;
import java.util.Locale;

import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.cjk.CJKBigramFilter;
import org.elasticsearch.plugin.Inject;
import org.elasticsearch.plugin.NamedComponent;
import org.elasticsearch.plugin.analysis.TokenFilterFactory;
import org.elasticsearch.plugin.settings.AnalysisSettings;
import org.elasticsearch.plugin.settings.BooleanSetting;
import org.elasticsearch.plugin.settings.ListSetting;

/**
 * Overlapping bigrams of adjacent CJK characters (the input should come from a tokenizer that emits CJK
 * runs or single characters, e.g. {@code standard}). Settings, as for the analysis-common
 * {@code cjk_bigram} filter: {@code output_unigrams} (default false) and {@code ignored_scripts}
 * (any of han, hiragana, katakana, hangul).
 */
@NamedComponent("zh_cjk_bigram")
public final class CjkBigramFilterFactory implements TokenFilterFactory {

    @AnalysisSettings
    public interface Settings {
        @BooleanSetting(path = "output_unigrams", defaultValue = false)
        boolean outputUnigrams();

        @ListSetting(path = "ignored_scripts")
        List<String> ignoredScripts();
    }

    private final int scripts;
    private final boolean outputUnigrams;

    @Inject
    public CjkBigramFilterFactory(Settings settings) {
        int flags = CJKBigramFilter.HAN | CJKBigramFilter.HIRAGANA | CJKBigramFilter.KATAKANA | CJKBigramFilter.HANGUL;
        for (String script : settings.ignoredScripts()) {
            flags &= ~scriptFlag(script);
        }
        this.scripts = flags;
        this.outputUnigrams = settings.outputUnigrams();
    }

    private static int scriptFlag(String script) {
        return switch (script.toLowerCase(Locale.ROOT)) {
            case "han" -> CJKBigramFilter.HAN;
            case "hiragana" -> CJKBigramFilter.HIRAGANA;
            case "katakana" -> CJKBigramFilter.KATAKANA;
            case "hangul" -> CJKBigramFilter.HANGUL;
            default -> throw new IllegalArgumentException(
                "zh_cjk_bigram: unknown script [" + script + "] in ignored_scripts; use han, hiragana, katakana or hangul");
        };
    }

    @Override
    public TokenStream create(TokenStream input) {
        return new CJKBigramFilter(input, scripts, outputUnigrams);
    }
}
