# Elasticsearch with the project's Chinese analysis plugin (deploy/es-plugin). Build the plugin first:
#   bash deploy/es-plugin/install.sh build      (prints the zip under deploy/es-plugin/target)
# then from the repository root: docker build -f deploy/compose/elasticsearch.Dockerfile .
ARG ES_VERSION=9.2.0
FROM docker.elastic.co/elasticsearch/elasticsearch:${ES_VERSION}
COPY deploy/es-plugin/target/zh-analysis-1.0.0.zip /tmp/zh-analysis.zip
RUN bin/elasticsearch-plugin install --batch file:///tmp/zh-analysis.zip
