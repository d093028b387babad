"""State shared by the crawler processes and the archive writer of a distributed crawl.

Neither side owns it: the crawler (crawler/distributed.py) and the archive's queue writer
(archive/queue_writer.py) both import it, and it imports neither of them (nor Scrapy).
"""
