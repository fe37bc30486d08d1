from django.urls import path

from . import calendars, feeds, views

app_name = "articles"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("articles/", views.ArticleListView.as_view(), name="article-list"),
    path("search/", views.ArticleListView.as_view(), name="search"),
    path("articles/<int:pk>/", views.ArticleDetailView.as_view(), name="article-detail-short"),
    path("articles/<int:pk>/read/", views.read_beacon, name="article-read"),
    path("articles/<int:pk>-<str:slug>/", views.ArticleDetailView.as_view(), name="article-detail"),
    path("places/", views.PlaceListView.as_view(), name="place-list"),
    path("places/<str:slug>/", views.PlaceDetailView.as_view(), name="place-detail"),
    path("topics/", views.TopicListView.as_view(), name="topic-list"),
    path("topics/<str:slug>/", views.TopicDetailView.as_view(), name="topic-detail"),
    path("organisations/", views.OrganisationListView.as_view(), name="organisation-list"),
    path(
        "organisations/<str:slug>/",
        views.OrganisationDetailView.as_view(),
        name="organisation-detail",
    ),
    path("events/", views.EventListView.as_view(), name="event-list"),
    path("events/<str:slug>/", views.EventDetailView.as_view(), name="event-detail"),
    # Feeds and calendars to subscribe to (docs/feeds.md).
    path("feeds/stories.xml", feeds.StoryFeed(), name="feed-rss"),
    path("feeds/stories.atom", feeds.StoryAtomFeed(), name="feed-atom"),
    path("feeds/events.ics", calendars.events_calendar, name="events-calendar"),
    path("places/<str:slug>/feed.xml", feeds.PlaceFeed(), name="place-feed-rss"),
    path("places/<str:slug>/feed.atom", feeds.PlaceAtomFeed(), name="place-feed-atom"),
    path("places/<str:slug>/events.ics", calendars.place_calendar, name="place-calendar"),
    path("topics/<str:slug>/feed.xml", feeds.TopicFeed(), name="topic-feed-rss"),
    path("topics/<str:slug>/feed.atom", feeds.TopicAtomFeed(), name="topic-feed-atom"),
    path(
        "organisations/<str:slug>/feed.xml", feeds.OrganisationFeed(), name="organisation-feed-rss"
    ),
    path(
        "organisations/<str:slug>/feed.atom",
        feeds.OrganisationAtomFeed(),
        name="organisation-feed-atom",
    ),
    path(
        "organisations/<str:slug>/events.ics",
        calendars.organisation_calendar,
        name="organisation-calendar",
    ),
    path("events/<str:slug>.ics", calendars.event_calendar, name="event-calendar"),
]
