"""The API-client base of ``verifiedfan.http`` (public names are exported by ``verifiedfan.http``)."""
