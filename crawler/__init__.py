"""The crawler: one Scrapy spider for every registered site (crawler/sites.yml format).

`nianbao crawl` runs it once (crawler.run.run_crawl); `nianbao schedule` prints or installs the
calendar-aware schedule. Report candidates go to the archive through crawler.pipelines only.
"""
