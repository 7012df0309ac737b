from elasticsearch import Elasticsearch

from .base import SearchBackend


class ElasticsearchBackend(SearchBackend):
    """The production backend on an Elasticsearch 8 cluster."""

    name = "elasticsearch"

    def __init__(self, config: dict):
        super().__init__(config)
        self.client = Elasticsearch(config["URL"], request_timeout=config.get("TIMEOUT", 10))
        self.index_prefix = config.get("INDEX_PREFIX", "ptce")

    def server_info(self) -> dict:
        info = self.client.info()
        return {"engine": "elasticsearch", "version": info["version"]["number"], "cluster": info["cluster_name"]}
